import type { CameraImage } from './camera-image.js';

/** One picture a shot asks for, from a `TakePicture` block of the camera lane. */
export interface PictureRequest {
  /** The picture name; the data label is `<device>\<name>`. */
  readonly name: string;
  /** Exposure in seconds: the duration of the picture block. */
  readonly exposure: number;
  /** Start of the picture block, in seconds since the start of the shot. */
  readonly start: number;
}

/** What a camera acquires during one shot. `Settings` are the model's per-shot settings. */
export interface AcquisitionRequest<Settings = unknown> {
  /** Index of the shot in the sequence. */
  readonly shotIndex: number;
  /** The pictures, in the order they are taken. */
  readonly pictures: readonly PictureRequest[];
  /**
   * Seconds to get all the pictures, counted from the moment the first picture is awaited (after
   * the readiness barrier).
   */
  readonly timeout: number;
  /** Per-shot settings of the camera model (e.g. the simulated scene). */
  readonly settings: Settings;
  /** Stops the acquisition early (the shot was aborted). */
  readonly signal: AbortSignal;
}

/**
 * A running acquisition: the camera is armed. Iterating yields the pictures in order, each as soon
 * as it arrives; a picture that does not arrive in time raises `CameraTimeoutError`. `stop()` (or
 * disposal, or leaving the loop) stops the acquisition and releases its buffers; it is idempotent.
 * Iterate at most once.
 */
export interface Acquisition extends AsyncIterable<CameraImage>, AsyncDisposable {
  stop(): Promise<void>;
}
