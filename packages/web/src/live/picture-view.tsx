import { useEffect, useRef, useState } from 'react';
import type { ShotArray } from '../api/api-types.js';
import {
  COLOUR_MAPS,
  type ColourMapName,
  paintPixels,
  typedValues,
  valueRange,
} from './colour-map.js';

/** What the picture view reports when a picture was painted (for the latency benchmark). */
export interface PaintedPicture {
  readonly label: string;
  readonly shot: number;
  readonly paintedAt: number;
}

declare global {
  interface Window {
    /** The pictures painted, with the time (ms, performance.now()), read by the benchmark. */
    __shotlinePainted?: PaintedPicture[];
  }
}

/**
 * A camera picture on a canvas with a colour map: automatic or fixed range, zoom, and the value
 * of the pixel under the mouse.
 */
export function PictureView({
  picture,
  label,
  shot,
}: {
  picture: ShotArray | undefined;
  label: string;
  shot: number | undefined;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const pixels = useRef<Uint8ClampedArray | undefined>(undefined);
  const [map, setMap] = useState<ColourMapName>('viridis');
  const [zoom, setZoom] = useState(2);
  const [fixed, setFixed] = useState<{ min: number; max: number } | undefined>();
  const [range, setRange] = useState<{ min: number; max: number }>({ min: 0, max: 0 });
  const [readout, setReadout] = useState<string>('');
  const values = useRef<ArrayLike<number> | undefined>(undefined);

  useEffect(() => {
    const element = canvas.current;
    if (!element || !picture || picture.shape.length !== 2) return;
    const [height, width] = picture.shape as [number, number];
    const data = typedValues(picture.dtype, picture.bytes);
    values.current = data;
    const auto = valueRange(data);
    setRange(auto);
    const { min, max } = fixed ?? auto;
    pixels.current = paintPixels(data, COLOUR_MAPS[map], min, max, pixels.current);
    if (element.width !== width) element.width = width;
    if (element.height !== height) element.height = height;
    const context = element.getContext('2d');
    if (!context) return;
    context.putImageData(
      new ImageData(pixels.current as Uint8ClampedArray<ArrayBuffer>, width, height),
      0,
      0,
    );
    if (shot !== undefined) {
      (window.__shotlinePainted ??= []).push({ label, shot, paintedAt: performance.now() });
    }
  }, [picture, map, fixed, label, shot]);

  const onMove = (event: React.MouseEvent<HTMLCanvasElement>) => {
    if (!picture || !values.current) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const [height, width] = picture.shape as [number, number];
    const x = Math.floor(((event.clientX - rect.left) / rect.width) * width);
    const y = Math.floor(((event.clientY - rect.top) / rect.height) * height);
    if (x >= 0 && y >= 0 && x < width && y < height) {
      setReadout(`x ${x}, y ${y}: ${values.current[y * width + x]}`);
    }
  };

  return (
    <figure className="picture">
      <figcaption>
        <strong>{label}</strong> {shot !== undefined ? `shot ${shot}` : 'no picture yet'}{' '}
        {picture && (
          <span className="muted">
            {picture.shape.join('×')} {picture.dtype}, {range.min}…{range.max}
          </span>
        )}
      </figcaption>
      <div className="picture-tools">
        <label>
          colour map{' '}
          <select value={map} onChange={(e) => setMap(e.target.value as ColourMapName)}>
            {Object.keys(COLOUR_MAPS).map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          zoom{' '}
          <select value={zoom} onChange={(e) => setZoom(Number(e.target.value))}>
            {[1, 2, 3, 4, 6, 8].map((z) => (
              <option key={z} value={z}>
                {z}×
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={fixed !== undefined}
            onChange={(e) => setFixed(e.target.checked ? range : undefined)}
          />{' '}
          hold range
        </label>
        <span className="readout" data-testid="pixel-readout">
          {readout}
        </span>
      </div>
      <div className="picture-frame">
        <canvas
          ref={canvas}
          data-testid="picture"
          data-shot={shot ?? ''}
          onMouseMove={onMove}
          style={{
            width: picture ? `${(picture.shape[1] ?? 0) * zoom}px` : '256px',
            height: picture ? `${(picture.shape[0] ?? 0) * zoom}px` : '256px',
            imageRendering: 'pixelated',
          }}
        />
      </div>
    </figure>
  );
}
