/** A colour map: 256 RGB entries, packed as `[r0, g0, b0, r1, ...]`. */
export type ColourLut = Uint8Array;

// Anchors of matplotlib's viridis (perceptually uniform, readable by colour-blind users).
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

function interpolated(anchors: readonly (readonly [number, number, number])[]): ColourLut {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (anchors.length - 1);
    const k = Math.min(anchors.length - 2, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) {
      lut[i * 3 + c] = Math.round(anchors[k]![c]! * (1 - f) + anchors[k + 1]![c]! * f);
    }
  }
  return lut;
}

/** The colour maps a picture can be shown with. */
export const COLOUR_MAPS = {
  viridis: interpolated(VIRIDIS),
  grey: interpolated([
    [0, 0, 0],
    [255, 255, 255],
  ]),
} as const;

/** A colour map's name. */
export type ColourMapName = keyof typeof COLOUR_MAPS;

/** The typed array of an array's bytes for its dtype (little-endian, as the server sends it). */
export function typedValues(dtype: string, bytes: ArrayBuffer): ArrayLike<number> {
  switch (dtype) {
    case 'uint8':
    case 'bool':
      return new Uint8Array(bytes);
    case 'uint16':
      return new Uint16Array(bytes);
    case 'uint32':
      return new Uint32Array(bytes);
    case 'int8':
      return new Int8Array(bytes);
    case 'int16':
      return new Int16Array(bytes);
    case 'int32':
      return new Int32Array(bytes);
    case 'float32':
      return new Float32Array(bytes);
    case 'float64':
      return new Float64Array(bytes);
    default:
      throw new Error(`pictures of dtype ${dtype} cannot be shown`);
  }
}

/** The smallest and largest finite values. */
export function valueRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/**
 * Paints values into RGBA pixels with a colour map, `min` → first colour, `max` → last (values
 * outside are clamped). `out` is reused when given (one allocation per picture size).
 */
export function paintPixels(
  values: ArrayLike<number>,
  lut: ColourLut,
  min: number,
  max: number,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const n = values.length;
  const pixels = out && out.length === n * 4 ? out : new Uint8ClampedArray(n * 4);
  const scale = max > min ? 255 / (max - min) : 0;
  for (let i = 0; i < n; i++) {
    let k = ((values[i]! - min) * scale + 0.5) | 0;
    if (k < 0) k = 0;
    else if (k > 255) k = 255;
    const o = i * 4;
    const c = k * 3;
    pixels[o] = lut[c]!;
    pixels[o + 1] = lut[c + 1]!;
    pixels[o + 2] = lut[c + 2]!;
    pixels[o + 3] = 255;
  }
  return pixels;
}
