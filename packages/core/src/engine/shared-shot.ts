import { performance } from 'node:perf_hooks';
import { assertDataValue, type DataLabel, type DataValue } from '../data/index.js';
import type { RunningShot, ShotTimer } from '../device/index.js';
import {
  AbortedError,
  ContractViolationError,
  InvalidValueError,
  withContext,
} from '../errors/index.js';
import {
  DeviceShotError,
  DuplicateDataLabelError,
  ReadinessBarrierError,
} from './engine-errors.js';
import { abortableDelay, deferred, type Deferred } from './internal/deferred.js';
import { SharedShotTimer } from './internal/shared-shot-timer.js';
import type { DeviceShotTiming, TimedSpan } from './shot-timing.js';

/** What a {@link SharedShot} is built from. */
export interface SharedShotOptions {
  /** Index of the shot in the sequence. */
  readonly index: number;
  /**
   * Names of the devices taking part: the readiness barrier opens when every one of them has called
   * `waitAllDevicesReady()`.
   */
  readonly devices: readonly string[];
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * What the controllers of one shot share, as the engine runs it: the readiness barrier over the
 * shot's devices, the data they signal and wait for, the abort signal, the shot's clock and each
 * device's timing. Each controller sees it through its own {@link RunningShot}
 * ({@link SharedShot.runningShot}). The engine makes one per attempt of a shot; a controller's unit
 * test makes one to run a controller alone, with the engine's rules.
 *
 * The rules: the barrier may be called once per device (a second call fails the shot); a label may be
 * signalled once per shot, with a valid {@link DataValue}; the first {@link SharedShot.abort} fires
 * the signal with an `AbortedError` naming its cause and rejects the barrier and every data wait.
 */
export class SharedShot {
  readonly index: number;
  readonly devices: readonly string[];
  private readonly controller = new AbortController();
  private readonly t0 = performance.now();
  private readonly barrier: Deferred<ShotTimer> = deferred();
  private readonly signalled = Object.create(null) as Record<DataLabel, DataValue>;
  private readonly dataOwner = new Map<DataLabel, string>();
  private readonly waiters = new Map<DataLabel, Deferred<DataValue>>();
  private readonly timingOf = Object.create(null) as Record<string, DeviceShotTiming>;
  private readyCount = 0;
  private barrierAt: number | null = null;
  private firstFailure: Error | undefined;

  constructor(options: SharedShotOptions) {
    this.index = options.index;
    this.devices = [...options.devices];
  }

  /** Fires when the shot is aborted, with an `AbortedError` whose cause is the first failure. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first failure passed to {@link SharedShot.abort}, if any. */
  get failure(): Error | undefined {
    return this.firstFailure;
  }

  /** When the barrier opened, in milliseconds since the shot started; null before. */
  get barrierMs(): number | null {
    return this.barrierAt;
  }

  /** The data signalled so far, by label. */
  get data(): Readonly<Record<DataLabel, DataValue>> {
    return this.signalled;
  }

  /** The timing of every device that has its running shot, by name (updated as it runs). */
  get timings(): Readonly<Record<string, DeviceShotTiming>> {
    return this.timingOf;
  }

  /** Milliseconds since the shot started (rounded to the microsecond). */
  now(): number {
    return round(performance.now() - this.t0);
  }

  /**
   * Aborts the shot because of `cause` (a controller failed, the shot timed out, a test stops it).
   * Only the first call counts; later failures are its consequences.
   */
  abort(cause: Error): void {
    if (this.firstFailure) return;
    this.firstFailure = cause;
    const reason = new AbortedError(`the shot was aborted: ${cause.message}`, {
      cause,
      location: { shot: this.index },
    });
    this.controller.abort(reason);
    this.barrier.reject(reason);
    for (const waiter of this.waiters.values()) waiter.reject(reason);
  }

  /** The {@link RunningShot} the controller of `deviceName` sees; once per device. */
  runningShot(deviceName: string): RunningShot {
    if (!this.devices.includes(deviceName)) {
      throw new InvalidValueError(`device "${deviceName}" does not take part in this shot`, {
        location: { shot: this.index, device: deviceName },
      });
    }
    if (this.timingOf[deviceName] !== undefined) {
      throw new ContractViolationError(`device "${deviceName}" already has its running shot`, {
        location: { shot: this.index, device: deviceName },
      });
    }
    const timing: DeviceShotTiming = {
      readyMs: null,
      barrierMs: null,
      finishedMs: null,
      outcome: 'running',
      dataWaits: [],
      dataSignals: [],
      calls: [],
    };
    this.timingOf[deviceName] = timing;
    return {
      index: this.index,
      deviceName,
      signal: this.signal,
      waitAllDevicesReady: () => this.deviceReady(deviceName, timing),
      signalData: (label, data) => this.signalData(deviceName, timing, label, data),
      waitData: (label) => this.waitData(timing, label),
      sleep: (milliseconds) => abortableDelay(milliseconds, this.signal),
      track: (name, work) => this.track(timing, name, work),
    };
  }

  private deviceReady(deviceName: string, timing: DeviceShotTiming): Promise<ShotTimer> {
    if (timing.readyMs !== null) {
      const error = new ReadinessBarrierError(
        'shot.waitAllDevicesReady() was called more than once',
        { location: { shot: this.index, device: deviceName } },
      );
      this.abort(new DeviceShotError(deviceName, this.index, error));
      return Promise.reject(error);
    }
    const at = this.now();
    timing.readyMs = at;
    this.readyCount += 1;
    if (this.readyCount === this.devices.length) {
      this.barrierAt = at;
      this.barrier.resolve(new SharedShotTimer(performance.now(), this.signal));
    }
    return this.barrier.promise.then((timer) => {
      timing.barrierMs = this.now();
      return timer;
    });
  }

  private signalData(
    deviceName: string,
    timing: DeviceShotTiming,
    label: DataLabel,
    data: DataValue,
  ): void {
    const location = { shot: this.index, device: deviceName, label };
    if (typeof label !== 'string' || label.length === 0) {
      throw new InvalidValueError('a data label must be a non-empty string', { location });
    }
    try {
      assertDataValue(data, `data "${label}"`);
    } catch (e) {
      throw withContext(e, location);
    }
    const owner = this.dataOwner.get(label);
    if (owner !== undefined) {
      throw new DuplicateDataLabelError(
        `data "${label}" was already signalled in this shot by device "${owner}"`,
        { location },
      );
    }
    this.dataOwner.set(label, deviceName);
    this.signalled[label] = data;
    timing.dataSignals.push({ name: label, atMs: this.now() });
    this.waiters.get(label)?.resolve(data);
  }

  private waitData(timing: DeviceShotTiming, label: DataLabel): Promise<DataValue> {
    const now = this.now();
    if (this.dataOwner.has(label)) {
      timing.dataWaits.push({ name: label, startMs: now, endMs: now });
      return Promise.resolve(this.signalled[label]!);
    }
    if (this.firstFailure) return Promise.reject(this.signal.reason as Error);
    let waiter = this.waiters.get(label);
    if (!waiter) {
      waiter = deferred();
      this.waiters.set(label, waiter);
    }
    const span: TimedSpan = { name: label, startMs: now, endMs: null };
    timing.dataWaits.push(span);
    return waiter.promise.then((value) => {
      span.endMs = this.now();
      return value;
    });
  }

  private async track<T>(
    timing: DeviceShotTiming,
    name: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const span: TimedSpan = { name, startMs: this.now(), endMs: null };
    timing.calls.push(span);
    const result = await work();
    span.endMs = this.now();
    return result;
  }
}
