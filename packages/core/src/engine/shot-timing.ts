/** A named interval within a shot, in milliseconds since the shot started. */
export interface TimedSpan {
  readonly name: string;
  readonly startMs: number;
  /** Null when the shot ended (or was aborted) before the span did. */
  endMs: number | null;
}

/**
 * What one device did during one shot, in milliseconds since the shot started: when its controller
 * called `waitAllDevicesReady()`, when the barrier let it through, when `runShot` returned, its data
 * waits and signals and its tracked calls. Stored with every shot (JSON).
 */
export interface DeviceShotTiming {
  /** `waitAllDevicesReady()` called. */
  readyMs: number | null;
  /** Barrier passed (all devices ready). */
  barrierMs: number | null;
  /** `runShot` settled. */
  finishedMs: number | null;
  /** How `runShot` ended. */
  outcome: 'ok' | 'failed' | 'aborted' | 'running';
  dataWaits: TimedSpan[];
  dataSignals: { readonly name: string; readonly atMs: number }[];
  /** Calls recorded with `shot.track(name, work)`. */
  calls: TimedSpan[];
}

/** Timing stored with each shot (the `timing` JSON of a stored shot). */
export interface ShotTiming {
  /** Attempts the shot took (1 when it succeeded at once). */
  readonly attempts: number;
  /** Compile time of the shot in milliseconds (submission to result). */
  readonly compileMs: number;
  /** Wall time of the successful attempt in milliseconds. */
  readonly runMs: number;
  /** Time at which the barrier was passed, in ms since the shot started. */
  readonly barrierMs: number | null;
  readonly devices: Record<string, DeviceShotTiming>;
}
