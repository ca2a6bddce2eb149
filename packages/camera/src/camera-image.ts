import { NDArray } from '@shotline/core';
import type { Roi } from './roi.js';

/** Pixel types of camera images: `uint8` (8-bit, Mono8) or `uint16` (10 to 16-bit, Mono16). */
export type ImageDType = 'uint8' | 'uint16';

/**
 * A camera picture: an {@link NDArray} of shape `[height, width]` (the ROI's size), row-major, so
 * `data[row * width + column]` is the pixel at sensor position `(roi.x + column, roi.y + row)`.
 * Row 0 is the top of the image as the camera reads it out. numpy reads it as `image[y, x]`.
 */
export type CameraImage = NDArray<ImageDType>;

/** The dtype that holds `bitDepth`-bit pixels. */
export function imageDTypeForBitDepth(bitDepth: number): ImageDType {
  return bitDepth <= 8 ? 'uint8' : 'uint16';
}

/** An image of the ROI's shape from its row-major pixels (no copy). */
export function createImage(
  roi: Pick<Roi, 'width' | 'height'>,
  pixels: Uint8Array | Uint16Array,
): CameraImage {
  return pixels instanceof Uint8Array
    ? new NDArray('uint8', [roi.height, roi.width], pixels)
    : new NDArray('uint16', [roi.height, roi.width], pixels);
}
