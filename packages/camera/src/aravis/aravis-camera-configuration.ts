import { z } from 'zod';
import { cameraConfigurationFields } from '../camera-configuration.js';

/** Pixel formats shotline reads from GenICam cameras, and the dtype of their images. */
export const ARAVIS_PIXEL_FORMATS = { Mono8: 'uint8', Mono16: 'uint16' } as const;

/** A supported GenICam pixel format. */
export type AravisPixelFormat = keyof typeof ARAVIS_PIXEL_FORMATS;

/**
 * Configuration of a GenICam camera driven through Aravis (type `shotline.camera.aravis`): any
 * GigE Vision or USB3 Vision camera Aravis supports, or Aravis's built-in fake camera (`Fake_1`).
 */
export const aravisCameraConfigurationSchema = z.object({
  ...cameraConfigurationFields,
  /**
   * The Aravis device id, as `arv-tool-0.8` lists it (e.g. `Basler-21234567`, a GigE camera's IP
   * address, or `Fake_1` for Aravis's in-process fake camera, whose interface is then enabled).
   */
  deviceId: z.string().min(1),
  /** `Mono8` gives uint8 images, `Mono16` uint16 images. */
  pixelFormat: z.enum(['Mono8', 'Mono16']).default('Mono16'),
  /** The hardware trigger input used when `externalTrigger` is set (GenICam `TriggerSource`). */
  triggerSource: z.string().min(1).default('Line1'),
  /** Frame buffers given to the stream: the most pictures one shot can take. */
  bufferCount: z.int().min(1).max(256).default(10),
  /** Path or name of libaravis-0.8 when it is not found by its usual name. */
  libraryPath: z.string().min(1).optional(),
});

/** Configuration of an Aravis camera. */
export type AravisCameraConfiguration = z.infer<typeof aravisCameraConfigurationSchema>;
