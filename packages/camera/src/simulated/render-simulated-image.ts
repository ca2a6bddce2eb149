import { createImage, imageDTypeForBitDepth, type CameraImage } from '../camera-image.js';
import type { Roi, SensorSize } from '../roi.js';

/** The atom cloud of a simulated shot, in sensor pixels (scene coordinates, before any reversal). */
export interface SimulatedCloud {
  /** Centre column. */
  readonly x: number;
  /** Centre row. */
  readonly y: number;
  /** Gaussian rms radius (pixels, > 0). */
  readonly sigma: number;
  /** Peak signal in counts per millisecond of exposure. */
  readonly peak: number;
}

/** Read-out noise of the simulated sensor. */
export interface SimulatedNoise {
  /** Seed: the same seed, shot, picture and pixel always give the same noise. */
  readonly seed: number;
  /** Rms of the Gaussian read-out noise, in counts (0: no noise). */
  readonly sigma: number;
  /** Dark level added to every pixel, in counts. */
  readonly offset: number;
}

/** Everything a simulated picture depends on. */
export interface SimulatedPicture {
  readonly sensor: SensorSize;
  readonly roi: Roi;
  /** 8 gives uint8 images, 9 to 16 give uint16; values are clipped to `2^bitDepth - 1`. */
  readonly bitDepth: number;
  /** Seconds. The cloud's signal is proportional to it. */
  readonly exposure: number;
  readonly cloud: SimulatedCloud;
  readonly noise: SimulatedNoise;
  /** Mirror the read-out left-right / top-bottom (GenICam `ReverseX` / `ReverseY`). */
  readonly reverseX: boolean;
  readonly reverseY: boolean;
  readonly shotIndex: number;
  readonly pictureIndex: number;
}

/** A 32-bit integer finaliser (murmur3's): a good, cheap hash of a 32-bit value. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 65536 samples of the standard normal distribution (zero mean, unit rms), from a fixed seed: a
 * pixel's noise is one entry, picked by a hash of its position. Much cheaper per pixel than
 * Box-Muller, and indistinguishable in a picture.
 */
const GAUSSIAN_TABLE: Float64Array = (() => {
  const table = new Float64Array(1 << 16);
  for (let i = 0; i < table.length; i += 2) {
    const u1 = (mix32(i) + 1) / 4294967297;
    const u2 = mix32(i + 0x9e3779b9) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    table[i] = r * Math.cos(2 * Math.PI * u2);
    table[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  let mean = 0;
  for (const v of table) mean += v / table.length;
  let variance = 0;
  for (const v of table) variance += (v - mean) ** 2 / table.length;
  const rms = Math.sqrt(variance);
  return table.map((v) => (v - mean) / rms);
})();

/**
 * Renders a deterministic simulated picture: `offset + peak · exposure[ms] · gaussian(cloud) +
 * noise`, rounded and clipped to the bit depth, for the pixels of the ROI.
 *
 * Pixel `(row, column)` of the image is the read-out position `(roi.x + column, roi.y + row)`; with
 * `reverseX` that read-out column sees the scene column `sensor.width - 1 - (roi.x + column)` (and
 * likewise for rows). The noise of a pixel depends only on the seed, the shot, the picture and the
 * scene position, so a smaller ROI is exactly a crop of the full-sensor picture.
 */
export function renderSimulatedImage(picture: SimulatedPicture): CameraImage {
  const { sensor, roi, cloud, noise } = picture;
  const max = 2 ** picture.bitDepth - 1;
  const dtype = imageDTypeForBitDepth(picture.bitDepth);
  const pixels =
    dtype === 'uint8'
      ? new Uint8Array(roi.width * roi.height)
      : new Uint16Array(roi.width * roi.height);
  // Scene position of each read-out column and row (mirrored by reverseX / reverseY).
  const columns = new Int32Array(roi.width);
  for (let c = 0; c < roi.width; c++) {
    columns[c] = picture.reverseX ? sensor.width - 1 - (roi.x + c) : roi.x + c;
  }
  const rows = new Int32Array(roi.height);
  for (let r = 0; r < roi.height; r++) {
    rows[r] = picture.reverseY ? sensor.height - 1 - (roi.y + r) : roi.y + r;
  }

  // The Gaussian is separable: one exponential per column and per row.
  const amplitude = cloud.peak * picture.exposure * 1000;
  const twoSigma2 = 2 * cloud.sigma * cloud.sigma;
  const gx = new Float64Array(roi.width);
  for (let c = 0; c < roi.width; c++) gx[c] = Math.exp(-((columns[c]! - cloud.x) ** 2) / twoSigma2);

  const base = mix32(
    noise.seed ^
      mix32(Math.imul(picture.shotIndex, 0x9e3779b9) ^ mix32(picture.pictureIndex + 0x632be5ab)),
  );
  for (let r = 0; r < roi.height; r++) {
    const rowSignal = amplitude * Math.exp(-((rows[r]! - cloud.y) ** 2) / twoSigma2);
    const rowStart = rows[r]! * sensor.width;
    const offset = r * roi.width;
    for (let c = 0; c < roi.width; c++) {
      let value = noise.offset + rowSignal * gx[c]!;
      if (noise.sigma > 0) {
        value += noise.sigma * GAUSSIAN_TABLE[mix32(base ^ (rowStart + columns[c]!)) & 0xffff]!;
      }
      pixels[offset + c] = value <= 0 ? 0 : value >= max ? max : Math.round(value);
    }
  }
  return createImage(roi, pixels);
}
