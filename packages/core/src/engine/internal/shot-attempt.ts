import { performance } from 'node:perf_hooks';
import { assertDataValue, type DataLabel, type DataValue } from '../../data/index.js';
import type { Device, DeviceController, RunningShot, ShotTimer } from '../../device/index.js';
import { AbortedError, InvalidValueError, withContext } from '../../errors/index.js';
import {
  ControllersDidNotStopError,
  DataNeverSignalledError,
  DeviceShotError,
  DuplicateDataLabelError,
  ReadinessBarrierError,
  ShotTimeoutError,
} from '../engine-errors.js';
import type { DeviceShotTiming, TimedSpan } from '../shot-timing.js';
import { abortableDelay, deferred, type Deferred } from './deferred.js';

/** One device taking part in a shot. */
export interface ShotParticipant {
  readonly deviceName: string;
  readonly device: Device;
  /** What its compiler produced for this shot. */
  readonly parameters: unknown;
  /** A fresh controller (one per attempt). */
  createController(): DeviceController;
}

/** Limits of one attempt. */
export interface ShotAttemptLimits {
  readonly index: number;
  /** Whole-shot timeout, in milliseconds. */
  readonly timeoutMs: number;
  /** How long aborted controllers get to stop, in milliseconds. */
  readonly abortGraceMs: number;
}

/** A successful attempt. */
export interface ShotAttemptResult {
  readonly data: Record<DataLabel, DataValue>;
  readonly devices: Record<string, DeviceShotTiming>;
  readonly startTime: Date;
  readonly endTime: Date;
  readonly runMs: number;
  readonly barrierMs: number | null;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

class SharedShotTimer implements ShotTimer {
  constructor(
    private readonly start: number,
    private readonly signal: AbortSignal,
  ) {}

  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  async waitUntil(seconds: number): Promise<number> {
    if (!(seconds >= 0)) {
      throw new InvalidValueError(
        `waitUntil needs a time >= 0 s after the barrier, got ${seconds}`,
      );
    }
    const planned = seconds - this.elapsed();
    // Timers may fire a little early (the event loop's clock is coarse): wait out the remainder.
    for (let remaining = planned; remaining > 0; remaining = seconds - this.elapsed()) {
      await abortableDelay(Math.max(1, remaining * 1000), this.signal);
    }
    return planned;
  }
}

/** The state of one attempt of one shot, shared by its controllers. */
class ShotAttempt {
  readonly abort = new AbortController();
  readonly t0 = performance.now();
  readonly barrier: Deferred<ShotTimer> = deferred();
  readonly data: Record<DataLabel, DataValue> = Object.create(null) as Record<DataLabel, DataValue>;
  readonly dataOwner = new Map<DataLabel, string>();
  readonly waiters = new Map<DataLabel, Deferred<DataValue>>();
  readonly timings: Record<string, DeviceShotTiming> = Object.create(null) as Record<
    string,
    DeviceShotTiming
  >;
  readonly running = new Set<string>();
  readonly allDone: Deferred<void> = deferred();
  readonly graceOver: Deferred<void> = deferred();
  barrierMs: number | null = null;
  readyCount = 0;
  failure: Error | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly participants: readonly ShotParticipant[],
    readonly limits: ShotAttemptLimits,
  ) {}

  now(): number {
    return round(performance.now() - this.t0);
  }

  /** Records the first failure and aborts every controller; later failures are consequences. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const reason = new AbortedError(`the shot was aborted: ${error.message}`, {
      cause: error,
      location: { shot: this.limits.index },
    });
    this.abort.abort(reason);
    this.barrier.reject(reason);
    for (const waiter of this.waiters.values()) waiter.reject(reason);
    this.graceTimer = setTimeout(() => this.graceOver.resolve(), this.limits.abortGraceMs);
  }

  passBarrier(at: number): void {
    this.barrierMs = at;
    this.barrier.resolve(new SharedShotTimer(performance.now(), this.abort.signal));
  }

  /** Devices still in runShot, with the labels they are waiting for. */
  describeRunning(): string {
    return [...this.running]
      .map((name) => {
        const waits = this.timings[name]!.dataWaits.filter((w) => w.endMs === null);
        return waits.length > 0
          ? `"${name}" (waiting for data ${waits.map((w) => `"${w.name}"`).join(', ')})`
          : `"${name}"`;
      })
      .join(', ');
  }

  async runController(participant: ShotParticipant): Promise<void> {
    const name = participant.deviceName;
    const timing: DeviceShotTiming = {
      readyMs: null,
      barrierMs: null,
      finishedMs: null,
      outcome: 'running',
      dataWaits: [],
      dataSignals: [],
      calls: [],
    };
    this.timings[name] = timing;
    this.running.add(name);
    const view = new DeviceShotView(this, name, timing);
    try {
      const controller = participant.createController();
      await controller.runShot(participant.device, participant.parameters, view);
      if (!view.calledReady) {
        throw new ReadinessBarrierError(
          'the controller returned without calling shot.waitAllDevicesReady()',
        );
      }
      timing.outcome = this.failure ? 'aborted' : 'ok';
    } catch (e) {
      if (this.failure) timing.outcome = 'aborted';
      else {
        timing.outcome = 'failed';
        this.fail(new DeviceShotError(name, this.limits.index, e));
      }
    } finally {
      timing.finishedMs = this.now();
      this.running.delete(name);
      if (this.running.size === 0) this.allDone.resolve();
    }
  }

  async run(): Promise<ShotAttemptResult> {
    const startTime = new Date();
    const timeout = setTimeout(() => {
      this.fail(
        new ShotTimeoutError(
          `the shot did not finish within ${(this.limits.timeoutMs / 1000).toFixed(3)} s ` +
            `(still running: ${this.describeRunning()})`,
          { location: { shot: this.limits.index } },
        ),
      );
    }, this.limits.timeoutMs);
    try {
      for (const participant of this.participants) void this.runController(participant);
      if (this.participants.length === 0) this.allDone.resolve();
      await Promise.race([this.allDone.promise, this.graceOver.promise]);
    } finally {
      clearTimeout(timeout);
      clearTimeout(this.graceTimer);
    }
    const endTime = new Date();
    if (this.failure) {
      if (this.running.size > 0) {
        throw new ControllersDidNotStopError(
          `${this.failure.message}; the controllers of ${[...this.running].map((n) => `"${n}"`).join(', ')} ` +
            `did not stop within ${this.limits.abortGraceMs} ms after the shot was aborted`,
          { cause: this.failure, location: { shot: this.limits.index } },
        );
      }
      throw this.failure;
    }
    const open: string[] = [];
    for (const [device, timing] of Object.entries(this.timings)) {
      for (const wait of timing.dataWaits) {
        if (wait.endMs === null) open.push(`device "${device}" waited for "${wait.name}"`);
      }
    }
    if (open.length > 0) {
      throw new DataNeverSignalledError(
        `the shot ended while data was still awaited and never signalled: ${open.join('; ')}`,
        { location: { shot: this.limits.index } },
      );
    }
    return {
      data: this.data,
      devices: this.timings,
      startTime,
      endTime,
      runMs: round(performance.now() - this.t0),
      barrierMs: this.barrierMs,
    };
  }
}

/** What one controller sees of the shot. */
class DeviceShotView implements RunningShot {
  calledReady = false;
  readonly index: number;
  readonly signal: AbortSignal;

  constructor(
    private readonly attempt: ShotAttempt,
    readonly deviceName: string,
    private readonly timing: DeviceShotTiming,
  ) {
    this.index = attempt.limits.index;
    this.signal = attempt.abort.signal;
  }

  waitAllDevicesReady(): Promise<ShotTimer> {
    const attempt = this.attempt;
    if (this.calledReady) {
      const error = new ReadinessBarrierError(
        'shot.waitAllDevicesReady() was called more than once',
        { location: { shot: this.index, device: this.deviceName } },
      );
      attempt.fail(new DeviceShotError(this.deviceName, this.index, error));
      return Promise.reject(error);
    }
    this.calledReady = true;
    const at = attempt.now();
    this.timing.readyMs = at;
    attempt.readyCount += 1;
    if (attempt.readyCount === attempt.participants.length) attempt.passBarrier(at);
    return attempt.barrier.promise.then((timer) => {
      this.timing.barrierMs = attempt.now();
      return timer;
    });
  }

  signalData(label: DataLabel, data: DataValue): void {
    const location = { shot: this.index, device: this.deviceName, label };
    if (typeof label !== 'string' || label.length === 0) {
      throw new InvalidValueError('a data label must be a non-empty string', { location });
    }
    try {
      assertDataValue(data, `data "${label}"`);
    } catch (e) {
      throw withContext(e, location);
    }
    const owner = this.attempt.dataOwner.get(label);
    if (owner !== undefined) {
      throw new DuplicateDataLabelError(
        `data "${label}" was already signalled in this shot by device "${owner}"`,
        { location },
      );
    }
    this.attempt.dataOwner.set(label, this.deviceName);
    this.attempt.data[label] = data;
    this.timing.dataSignals.push({ name: label, atMs: this.attempt.now() });
    this.attempt.waiters.get(label)?.resolve(data);
  }

  waitData(label: DataLabel): Promise<DataValue> {
    const attempt = this.attempt;
    const now = attempt.now();
    if (attempt.dataOwner.has(label)) {
      this.timing.dataWaits.push({ name: label, startMs: now, endMs: now });
      return Promise.resolve(attempt.data[label]!);
    }
    if (attempt.failure) return Promise.reject(attempt.abort.signal.reason as Error);
    let waiter = attempt.waiters.get(label);
    if (!waiter) {
      waiter = deferred();
      attempt.waiters.set(label, waiter);
    }
    const span: TimedSpan = { name: label, startMs: now, endMs: null };
    this.timing.dataWaits.push(span);
    return waiter.promise.then((value) => {
      span.endMs = attempt.now();
      return value;
    });
  }

  sleep(milliseconds: number): Promise<void> {
    return abortableDelay(milliseconds, this.signal);
  }

  async track<T>(name: string, work: () => Promise<T>): Promise<T> {
    const span: TimedSpan = { name, startMs: this.attempt.now(), endMs: null };
    this.timing.calls.push(span);
    const result = await work();
    span.endMs = this.attempt.now();
    return result;
  }
}

/**
 * Runs one attempt of a shot: a fresh controller per device, all concurrently behind the readiness
 * barrier. The first failure (a controller error, a broken contract, the timeout) aborts the others
 * through their `AbortSignal` at once; they get `abortGraceMs` to stop. Resolves with the data and
 * per-device timing, or rejects with the first failure (naming its device and the shot).
 */
export function runShotAttempt(
  participants: readonly ShotParticipant[],
  limits: ShotAttemptLimits,
): Promise<ShotAttemptResult> {
  return new ShotAttempt(participants, limits).run();
}
