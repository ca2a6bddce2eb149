import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CameraImage } from '../camera-image.js';
import { renderSimulatedImage, type SimulatedPicture } from './render-simulated-image.js';

const base: SimulatedPicture = {
  sensor: { width: 64, height: 48 },
  roi: { x: 0, y: 0, width: 64, height: 48 },
  bitDepth: 16,
  exposure: 0.001,
  cloud: { x: 20, y: 30, sigma: 4, peak: 1000 },
  noise: { seed: 7, sigma: 0, offset: 100 },
  reverseX: false,
  reverseY: false,
  shotIndex: 0,
  pictureIndex: 0,
};

function render(overrides: Partial<SimulatedPicture>): CameraImage {
  return renderSimulatedImage({ ...base, ...overrides });
}

/** [row, column] of the brightest pixel. */
function brightest(image: CameraImage): [number, number] {
  let best = 0;
  image.data.forEach((v, i) => {
    if (v > image.data[best]!) best = i;
  });
  const width = image.shape[1]!;
  return [Math.floor(best / width), best % width];
}

function pixel(image: CameraImage, row: number, column: number): number {
  return image.data[row * image.shape[1]! + column]!;
}

describe('simulated pictures', () => {
  it('are [height, width] arrays with the cloud at row y, column x', () => {
    const image = render({});
    expect(image.dtype).toBe('uint16');
    expect(image.shape).toEqual([48, 64]);
    expect(brightest(image)).toEqual([30, 20]);
    expect(pixel(image, 30, 20)).toBe(1100); // offset + peak x 1 ms
    expect(pixel(image, 0, 63)).toBe(100); // far from the cloud: the dark level
  });

  it('place the cloud relative to the ROI offset', () => {
    const image = render({ roi: { x: 10, y: 25, width: 20, height: 10 } });
    expect(image.shape).toEqual([10, 20]);
    expect(brightest(image)).toEqual([5, 10]);
  });

  it('are a crop of the full-sensor picture, noise included (property)', () => {
    const noisy = { noise: { seed: 3, sigma: 20, offset: 200 }, shotIndex: 5, pictureIndex: 1 };
    const full = render(noisy);
    const rois = fc.record({ x: fc.nat(63), y: fc.nat(47) }).chain(({ x, y }) =>
      fc.record({
        x: fc.constant(x),
        y: fc.constant(y),
        width: fc.integer({ min: 1, max: 64 - x }),
        height: fc.integer({ min: 1, max: 48 - y }),
      }),
    );
    fc.assert(
      fc.property(rois, (roi) => {
        const crop = render({ ...noisy, roi });
        for (let r = 0; r < roi.height; r++) {
          for (let c = 0; c < roi.width; c++) {
            if (pixel(crop, r, c) !== pixel(full, roi.y + r, roi.x + c)) return false;
          }
        }
        return true;
      }),
      { numRuns: 50 },
    );
  });

  it('scale the signal with the exposure', () => {
    const short = pixel(render({ exposure: 0.002 }), 30, 20) - 100;
    const long = pixel(render({ exposure: 0.006 }), 30, 20) - 100;
    expect(short).toBe(2000);
    expect(long).toBe(6000);
  });

  it('clip to the bit depth, and use uint8 up to 8 bits', () => {
    const eight = render({ bitDepth: 8 });
    expect(eight.dtype).toBe('uint8');
    expect(pixel(eight, 30, 20)).toBe(255);
    const twelve = render({ bitDepth: 12, exposure: 0.01 });
    expect(twelve.dtype).toBe('uint16');
    expect(pixel(twelve, 30, 20)).toBe(4095);
  });

  it('mirror the read-out with reverseX and reverseY', () => {
    expect(brightest(render({ reverseX: true }))).toEqual([30, 63 - 20]);
    expect(brightest(render({ reverseY: true }))).toEqual([47 - 30, 20]);
  });

  it('have reproducible noise that changes with the seed, shot and picture', () => {
    const noise = { seed: 1, sigma: 10, offset: 1000 };
    const a = render({ noise });
    expect(render({ noise }).equals(a)).toBe(true);
    expect(render({ noise: { ...noise, seed: 2 } }).equals(a)).toBe(false);
    expect(render({ noise, shotIndex: 1 }).equals(a)).toBe(false);
    expect(render({ noise, pictureIndex: 1 }).equals(a)).toBe(false);
  });

  it('have read-out noise of the configured rms', () => {
    const image = render({
      sensor: { width: 256, height: 256 },
      roi: { x: 0, y: 0, width: 256, height: 256 },
      cloud: { x: 0, y: 0, sigma: 1, peak: 0 },
      noise: { seed: 9, sigma: 10, offset: 1000 },
    });
    const values = Array.from(image.data);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const rms = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(1000, 0);
    expect(rms).toBeGreaterThan(9.5);
    expect(rms).toBeLessThan(10.5);
  });
});
