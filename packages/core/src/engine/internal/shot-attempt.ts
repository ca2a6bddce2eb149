import type { DataLabel, DataValue } from '../../data/index.js';
import type { Device, DeviceController } from '../../device/index.js';
import {
  ControllersDidNotStopError,
  DataNeverSignalledError,
  DeviceShotError,
  ReadinessBarrierError,
  ShotTimeoutError,
} from '../engine-errors.js';
import { SharedShot } from '../shared-shot.js';
import type { DeviceShotTiming } from '../shot-timing.js';
import { deferred, type Deferred } from './deferred.js';

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
  /**
   * Aborts the attempt from outside (a suspender that repeats the running shot): the controllers
   * are aborted at once, and the attempt rejects with the signal's reason.
   */
  readonly abort?: AbortSignal;
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

/** One attempt of one shot: the controllers, their shared state, the timeout and the grace period. */
class ShotAttempt {
  readonly shot: SharedShot;
  readonly running = new Set<string>();
  readonly allDone: Deferred<void> = deferred();
  readonly graceOver: Deferred<void> = deferred();
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly participants: readonly ShotParticipant[],
    readonly limits: ShotAttemptLimits,
  ) {
    this.shot = new SharedShot({
      index: limits.index,
      devices: participants.map((p) => p.deviceName),
    });
    // Whatever aborted the shot (a controller, a broken contract, the timeout), the others get
    // `abortGraceMs` to stop.
    this.shot.signal.addEventListener(
      'abort',
      () => {
        this.graceTimer = setTimeout(() => this.graceOver.resolve(), limits.abortGraceMs);
      },
      { once: true },
    );
  }

  /**
   * Devices still in runShot, with the labels they are waiting for and the tracked calls still in
   * progress (a driver names its instrument there, e.g. `ell14 move on /dev/ttyUSB0`).
   */
  describeRunning(): string {
    return [...this.running]
      .map((name) => {
        const timing = this.shot.timings[name]!;
        const doing = [
          ...timing.dataWaits
            .filter((w) => w.endMs === null)
            .map((w) => `waiting for data "${w.name}"`),
          ...timing.calls.filter((c) => c.endMs === null).map((c) => `in "${c.name}"`),
        ];
        return doing.length > 0 ? `"${name}" (${doing.join(', ')})` : `"${name}"`;
      })
      .join(', ');
  }

  async runController(participant: ShotParticipant): Promise<void> {
    const name = participant.deviceName;
    const view = this.shot.runningShot(name);
    const timing = this.shot.timings[name]!;
    this.running.add(name);
    try {
      const controller = participant.createController();
      await controller.runShot(participant.device, participant.parameters, view);
      if (timing.readyMs === null) {
        throw new ReadinessBarrierError(
          'the controller returned without calling shot.waitAllDevicesReady()',
        );
      }
      timing.outcome = this.shot.failure ? 'aborted' : 'ok';
    } catch (e) {
      if (this.shot.failure) timing.outcome = 'aborted';
      else {
        timing.outcome = 'failed';
        this.shot.abort(new DeviceShotError(name, this.limits.index, e));
      }
    } finally {
      timing.finishedMs = this.shot.now();
      this.running.delete(name);
      if (this.running.size === 0) this.allDone.resolve();
    }
  }

  async run(): Promise<ShotAttemptResult> {
    const startTime = new Date();
    const timeout = setTimeout(() => {
      this.shot.abort(
        new ShotTimeoutError(
          `the shot did not finish within ${(this.limits.timeoutMs / 1000).toFixed(3)} s ` +
            `(still running: ${this.describeRunning()})`,
          { location: { shot: this.limits.index } },
        ),
      );
    }, this.limits.timeoutMs);
    const external = this.limits.abort;
    const onExternalAbort = (): void => {
      const reason: unknown = external?.reason;
      this.shot.abort(reason instanceof Error ? reason : new Error(String(reason)));
    };
    if (external?.aborted) onExternalAbort();
    else external?.addEventListener('abort', onExternalAbort, { once: true });
    try {
      for (const participant of this.participants) void this.runController(participant);
      if (this.participants.length === 0) this.allDone.resolve();
      await Promise.race([this.allDone.promise, this.graceOver.promise]);
    } finally {
      clearTimeout(timeout);
      clearTimeout(this.graceTimer);
      external?.removeEventListener('abort', onExternalAbort);
    }
    const endTime = new Date();
    const failure = this.shot.failure;
    if (failure) {
      if (this.running.size > 0) {
        throw new ControllersDidNotStopError(
          `${failure.message}; the controllers of ${[...this.running].map((n) => `"${n}"`).join(', ')} ` +
            `did not stop within ${this.limits.abortGraceMs} ms after the shot was aborted`,
          { cause: failure, location: { shot: this.limits.index } },
        );
      }
      throw failure;
    }
    const open: string[] = [];
    for (const [device, timing] of Object.entries(this.shot.timings)) {
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
      data: this.shot.data,
      devices: this.shot.timings,
      startTime,
      endTime,
      runMs: this.shot.now(),
      barrierMs: this.shot.barrierMs,
    };
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
