import type { PictureRequest } from './acquisition.js';

/** What a camera compiler computes for one shot, and the camera controller consumes. */
export interface CameraShotParameters<Settings = unknown> {
  /** Seconds to get all pictures: the shot duration plus the configured margin. */
  readonly timeout: number;
  /** The pictures of the camera lane, in order. */
  readonly pictures: readonly PictureRequest[];
  /** The camera model's per-shot settings (plain data). */
  readonly settings: Settings;
}
