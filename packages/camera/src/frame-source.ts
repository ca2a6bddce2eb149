import type { CameraImage } from './camera-image.js';

/**
 * What a camera model provides for one armed acquisition: the frames in order, and a way to stop.
 * The `Camera` base class adds the timeout, the abort handling, the frame checks and the error
 * context.
 */
export interface FrameSource {
  /**
   * The frame of picture `index` (0-based, called in order). Must reject promptly when `signal`
   * fires (timeout or abort); the reason does not matter.
   */
  nextFrame(index: number, signal: AbortSignal): Promise<CameraImage>;
  /** Stops the acquisition and releases its resources; called exactly once. */
  stop(): Promise<void>;
}
