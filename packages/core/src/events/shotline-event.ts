import type { ErrorSummary } from '../errors/index.js';
import type { SequenceState } from '../sequence/index.js';

/** A sequence changed state (PREPARING, RUNNING, PAUSED, FINISHED, INTERRUPTED, CRASHED). */
export interface SequenceStateEvent {
  readonly type: 'sequence-state';
  /** Sequence path (`\...`). */
  readonly sequence: string;
  readonly state: SequenceState;
  readonly time: Date;
  /** Shots stored so far. */
  readonly storedShots: number;
  /** Shots the iteration will produce, or null when unknown. */
  readonly expectedShots: number | null;
  /** The error summary when CRASHED. */
  readonly error?: ErrorSummary;
  /**
   * PAUSED: why (`request`: asked by the procedure or `shotline seq pause`; `suspender`: one
   * tripped) and the suspenders holding it; RUNNING after a pause: `resumed`.
   */
  readonly reason?: 'request' | 'suspender' | 'resumed' | 'continued';
  readonly suspenders?: readonly string[];
}

/** A suspender tripped (the run pauses or repeats its shot) or cleared (it may resume). */
export interface SuspenderEvent {
  readonly type: 'suspender';
  readonly sequence: string;
  readonly suspender: string;
  readonly change: 'tripped' | 'cleared';
  /** What it watches: `data lock\error`, `global lock.ok`, `function wavemeter`. */
  readonly watch: string;
  /** The value that tripped or cleared it, as JSON. */
  readonly value: unknown;
  /** Tripped: what happens to the running shot. */
  readonly action?: 'pause' | 'repeat';
  /** The shot running or just run when it tripped. */
  readonly shot?: number | null;
  readonly time: Date;
}

/**
 * A shot ran on the devices without being stored: a probe (while a data suspender holds the run
 * paused, to read its label again) or a warm-up shot before resuming.
 */
export interface ShotProbedEvent {
  readonly type: 'shot-probed';
  readonly sequence: string;
  /** The index of the shot whose instructions were run. */
  readonly index: number;
  readonly purpose: 'probe' | 'warmup';
  readonly time: Date;
}

/** The sequence was compiled and its devices are about to be opened. */
export interface SequencePreparedEvent {
  readonly type: 'sequence-prepared';
  readonly sequence: string;
  /** Devices in use. */
  readonly devices: readonly string[];
  /** Devices left out, with the reason their compiler gave. */
  readonly notUsed: readonly { device: string; reason: string }[];
  /** Compile worker threads (0 = compiled on the main thread). */
  readonly compileWorkers: number;
  readonly expectedShots: number | null;
  /** Milliseconds spent compiling the sequence (globals, schema, compilers, initialization). */
  readonly compileMs: number;
}

/** A shot's instructions were compiled. */
export interface ShotCompiledEvent {
  readonly type: 'shot-compiled';
  readonly sequence: string;
  readonly index: number;
  /** Time from submission to result, in milliseconds (includes queueing in the worker pool). */
  readonly compileMs: number;
  /** Shot duration in seconds. */
  readonly durationSeconds: number;
  /** `main` or the worker number. */
  readonly thread: 'main' | number;
}

/** A shot attempt started running on the devices. */
export interface ShotStartedEvent {
  readonly type: 'shot-started';
  readonly sequence: string;
  readonly index: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly time: Date;
}

/** A shot attempt failed and will be retried. */
export interface ShotRetryEvent {
  readonly type: 'shot-retry';
  readonly sequence: string;
  readonly index: number;
  /** The attempt that failed. */
  readonly attempt: number;
  readonly error: ErrorSummary;
}

/** A shot ran successfully and was handed to storage. */
export interface ShotFinishedEvent {
  readonly type: 'shot-finished';
  readonly sequence: string;
  readonly index: number;
  readonly attempts: number;
  readonly startTime: Date;
  readonly endTime: Date;
  /** Wall time of the successful attempt, in milliseconds. */
  readonly runMs: number;
  /**
   * When each device was ready, passed the barrier and finished, in ms since the shot started
   * (the full timing is stored with the shot).
   */
  readonly devices?: Readonly<Record<string, DeviceTimingSummary>>;
}

/** A device's milestones in one shot, in milliseconds since the shot started (null: not reached). */
export interface DeviceTimingSummary {
  readonly readyMs: number | null;
  readonly barrierMs: number | null;
  readonly finishedMs: number | null;
}

/** A shot was committed to storage. */
export interface ShotStoredEvent {
  readonly type: 'shot-stored';
  readonly sequence: string;
  readonly index: number;
  /** Milliseconds the storage call took. */
  readonly storeMs: number;
  /** Shots stored so far in this sequence. */
  readonly storedShots: number;
  readonly expectedShots: number | null;
}

/**
 * The run starts no further shot: a shot (or the iteration) failed to compile, a shot could not be
 * stored, or a lock was lost. Shots compiled ahead are dropped; the running shot, if any, finishes
 * and is stored; then the sequence ends CRASHED with `error`.
 */
export interface SequenceHaltingEvent {
  readonly type: 'sequence-halting';
  readonly sequence: string;
  readonly reason: 'compile' | 'storage' | 'lock' | 'suspender';
  readonly error: ErrorSummary;
  readonly time: Date;
}

/** A message for logs: decisions the engine took, warnings, plugin loading. */
export interface LogEvent {
  readonly type: 'log';
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly sequence?: string;
  readonly device?: string;
  readonly plugin?: string;
}

/** Everything the engine reports, discriminated by `type`. */
export type ShotlineEvent =
  | SequenceStateEvent
  | SequencePreparedEvent
  | ShotCompiledEvent
  | ShotStartedEvent
  | ShotRetryEvent
  | ShotFinishedEvent
  | ShotStoredEvent
  | SequenceHaltingEvent
  | SuspenderEvent
  | ShotProbedEvent
  | LogEvent;

/** The `type` tags of {@link ShotlineEvent}. */
export type ShotlineEventType = ShotlineEvent['type'];

/** The event with a given tag. */
export type ShotlineEventOf<T extends ShotlineEventType> = Extract<ShotlineEvent, { type: T }>;
