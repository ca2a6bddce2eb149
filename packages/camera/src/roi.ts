import { z } from 'zod';
import { RoiOutsideSensorError } from './camera-errors.js';

/**
 * A rectangular region of interest, in sensor pixels: `x`, `y` are the offsets of its first column
 * and row (0-based), `width` and `height` its size. Images of this ROI have shape `[height, width]`.
 */
export const roiSchema = z.object({
  x: z.int().min(0),
  y: z.int().min(0),
  width: z.int().min(1),
  height: z.int().min(1),
});

/** A rectangular region of interest, in sensor pixels (see {@link roiSchema}). */
export type Roi = z.infer<typeof roiSchema>;

/** The size of a camera sensor, in pixels. */
export interface SensorSize {
  readonly width: number;
  readonly height: number;
}

/** The ROI covering a whole sensor. */
export function fullSensorRoi(sensor: SensorSize): Roi {
  return { x: 0, y: 0, width: sensor.width, height: sensor.height };
}

/**
 * Checks that `roi` fits on `sensor`; throws {@link RoiOutsideSensorError} naming the camera and the
 * first offending bound (`x + width` beyond the sensor width, or `y + height` beyond its height).
 */
export function assertRoiFitsSensor(roi: Roi, sensor: SensorSize, deviceName: string): void {
  const location = { device: deviceName };
  if (roi.x + roi.width > sensor.width) {
    throw new RoiOutsideSensorError(
      `the ROI's right edge x + width = ${roi.x} + ${roi.width} = ${roi.x + roi.width} is beyond ` +
        `the sensor width ${sensor.width} of camera "${deviceName}"`,
      { location },
    );
  }
  if (roi.y + roi.height > sensor.height) {
    throw new RoiOutsideSensorError(
      `the ROI's bottom edge y + height = ${roi.y} + ${roi.height} = ${roi.y + roi.height} is beyond ` +
        `the sensor height ${sensor.height} of camera "${deviceName}"`,
      { location },
    );
  }
}
