import { z } from 'zod';
import { roiSchema } from './roi.js';

/** Timeouts of a camera (seconds). */
export const cameraTimeoutsSchema = z.object({
  /**
   * The acquisition timeout of a shot is its duration plus this margin. It is counted from the
   * readiness barrier (when the camera starts waiting for its first picture) and covers all the
   * pictures of the shot.
   */
  margin: z.number().min(0).default(1),
});

/**
 * The settings every camera configuration has, whatever the model. Model configurations extend this
 * object (`cameraConfigurationFields`), so a lab tool can read the ROI of any camera.
 */
export const cameraConfigurationFields = {
  /** The region of the sensor read out; checked against the sensor size. */
  roi: roiSchema,
  /**
   * True: the camera waits for a hardware trigger (from a sequencer channel) for every picture.
   * False: the camera triggers itself in software, at the picture times of the shot.
   */
  externalTrigger: z.boolean().default(false),
  timeouts: cameraTimeoutsSchema.default({ margin: 1 }),
} as const;

/** The settings shared by every camera (see {@link cameraConfigurationFields}). */
export const cameraConfigurationSchema = z.object(cameraConfigurationFields);

/** The settings shared by every camera configuration. */
export type CameraConfiguration = z.infer<typeof cameraConfigurationSchema>;
