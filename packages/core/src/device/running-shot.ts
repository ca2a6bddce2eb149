import type { DataLabel, DataValue } from '../data/index.js';

/**
 * The shot's clock, shared by all controllers; it starts when the first controller passes the
 * readiness barrier. Software timing only: not precise to better than the event loop's latency.
 */
export interface ShotTimer {
  /** Seconds since the barrier was passed. */
  elapsed(): number;
  /**
   * Waits until `seconds` after the barrier and returns the planned wait (negative if already late,
   * in which case it does not wait). A negative target is an error.
   */
  waitUntil(seconds: number): Promise<number>;
}

/**
 * What a {@link DeviceController} sees of the shot it runs: the barrier, the data exchange with other
 * controllers, the abort signal and timing helpers. Everything it does is recorded in the shot's
 * per-device timing.
 */
export interface RunningShot {
  /** Index of the shot in the sequence. */
  readonly index: number;
  /** Name of the device this controller runs. */
  readonly deviceName: string;
  /**
   * Fires when the shot must stop early: another controller failed, the shot timed out, or the
   * sequence is being torn down. Pass it to every wait.
   */
  readonly signal: AbortSignal;
  /**
   * The readiness barrier: call it exactly once, after programming (and arming, for hardware-triggered
   * devices), before triggering. Resolves when every device of the shot is ready.
   */
  waitAllDevicesReady(): Promise<ShotTimer>;
  /** Publishes data for this shot under `label` (stored with the shot). A label can be signalled once. */
  signalData(label: DataLabel, data: DataValue): void;
  /** Waits for data another controller signals in this shot. */
  waitData(label: DataLabel): Promise<DataValue>;
  /** Sleeps, rejecting with an abort error when the shot is aborted. */
  sleep(milliseconds: number): Promise<void>;
  /**
   * Runs `work` and records its name and duration in the shot's timing (e.g. a blocking driver call
   * run off the event loop).
   */
  track<T>(name: string, work: () => Promise<T>): Promise<T>;
}
