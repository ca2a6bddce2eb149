import { readFileSync } from 'node:fs';
import {
  BaseDevice,
  ConnectionFailedError,
  DeviceTimeoutError,
  InvalidValueError,
  NDArray,
  type DeviceCompiler,
  type DeviceController,
  type DeviceExtension,
  type DeviceNotUsed,
  type RunningShot,
  type SequenceContext,
  type ShotContext,
} from '@shotline/core';
import type { z } from 'zod';
import type { SimulationRecorder } from './simulation-recorder.js';

/** The kinds of error a simulated failure raises. */
export type SimulatedErrorKind = 'invalid-value' | 'timeout' | 'connection' | 'bug';

/** A failure a simulated device is told to produce. */
export interface SimulatedFailure {
  readonly error: SimulatedErrorKind;
  readonly message: string;
  /** For shots: fail only the first `attempts` attempts (retry tests); default every attempt. */
  readonly attempts?: number;
}

/** Builds the error of a simulated failure. */
export function simulatedError(failure: SimulatedFailure): Error {
  switch (failure.error) {
    case 'invalid-value':
      return new InvalidValueError(failure.message);
    case 'timeout':
      return new DeviceTimeoutError(failure.message);
    case 'connection':
      return new ConnectionFailedError(failure.message);
    case 'bug':
      return new Error(failure.message);
  }
}

/** Initialization parameters of every simulated device. */
export interface SimulatedInit {
  readonly openMs: number;
  readonly failOpen?: SimulatedFailure;
  readonly failClose?: SimulatedFailure;
}

/** Data a simulated device signals each shot. */
export type SimulatedProduct =
  | {
      readonly kind: 'image';
      readonly label: string;
      readonly width: number;
      readonly height: number;
    }
  | { readonly kind: 'value'; readonly label: string }
  /** A number decided when the shot was compiled (a simulated measurement). */
  | { readonly kind: 'number'; readonly label: string; readonly value: number }
  /**
   * A number read when the shot runs, after the barrier: the content of `file` (a number; a
   * missing or unreadable file reads as `level`), like a monitor sampled during the shot.
   */
  | {
      readonly kind: 'reading';
      readonly label: string;
      readonly file: string | null;
      readonly level: number;
    };

/** What the compiler tells the controller to do in one shot (plain data: it crosses threads). */
export interface SimulatedShotPlan {
  readonly index: number;
  readonly durationSeconds: number;
  /** Time spent "acquiring" after the barrier. */
  readonly runMs: number;
  readonly fail?: SimulatedFailure;
  readonly produce?: SimulatedProduct;
  readonly waitFor?: readonly string[];
}

/** The number in `file`, or `fallback` when there is no file or it holds no number. */
export function readLevel(file: string | null, fallback: number): number {
  if (file === null) return fallback;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
  const value = Number.parseFloat(text.trim());
  return Number.isFinite(value) ? value : fallback;
}

/** Busy-waits (simulates CPU-heavy compilation; also a compiler that hangs). */
export function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

/**
 * A simulated instrument: `open()` waits `openMs` and may fail (after acquiring, so `close()` has
 * something to release); `close()` records and may fail. Counts attempts per shot so a failure can
 * hit only the first attempts.
 */
export class SimulatedDevice extends BaseDevice {
  /** Attempts made per shot index. */
  readonly attempts = new Map<number, number>();
  private closeRecorded = false;

  constructor(
    readonly name: string,
    readonly init: SimulatedInit,
    private readonly recorder: SimulationRecorder | undefined,
  ) {
    super();
  }

  async open(): Promise<void> {
    this.onClose(() => {
      if (this.init.failClose) throw simulatedError(this.init.failClose);
    });
    if (this.init.openMs > 0) await new Promise((r) => setTimeout(r, this.init.openMs));
    if (this.init.failOpen) {
      this.recorder?.record({ device: this.name, kind: 'open-failed' });
      throw simulatedError(this.init.failOpen);
    }
    this.recorder?.record({ device: this.name, kind: 'opened' });
  }

  override close(): Promise<void> {
    if (!this.closeRecorded) {
      this.closeRecorded = true;
      this.recorder?.record({ device: this.name, kind: 'closed' });
    }
    return super.close();
  }
}

/** Runs a {@link SimulatedShotPlan}: barrier, optional failure, acquisition, data waits, data. */
export class SimulatedController implements DeviceController<SimulatedDevice, SimulatedShotPlan> {
  constructor(private readonly recorder: SimulationRecorder | undefined) {}

  async runShot(
    device: SimulatedDevice,
    plan: SimulatedShotPlan,
    shot: RunningShot,
  ): Promise<void> {
    const attempt = (device.attempts.get(plan.index) ?? 0) + 1;
    device.attempts.set(plan.index, attempt);
    const base = { device: device.name, shot: plan.index, attempt };
    const recorder = this.recorder;
    recorder?.record({ ...base, kind: 'shot-started' });
    if (recorder) {
      shot.signal.addEventListener('abort', () => recorder.record({ ...base, kind: 'aborted' }), {
        once: true,
      });
    }
    await shot.waitAllDevicesReady();
    if (plan.fail && (plan.fail.attempts === undefined || attempt <= plan.fail.attempts)) {
      recorder?.record({ ...base, kind: 'shot-failed' });
      throw simulatedError(plan.fail);
    }
    if (plan.runMs > 0) await shot.sleep(plan.runMs);
    for (const label of plan.waitFor ?? []) await shot.waitData(label);
    if (plan.waitFor && plan.waitFor.length > 0) {
      shot.signalData(`${device.name}\\received`, plan.waitFor.length);
    }
    const product = plan.produce;
    if (product?.kind === 'image') {
      const image = NDArray.zeros('uint16', [product.height, product.width]);
      image.data.fill(plan.index & 0xffff);
      shot.signalData(`${device.name}\\${product.label}`, image);
    } else if (product?.kind === 'value') {
      shot.signalData(`${device.name}\\${product.label}`, plan.index);
    } else if (product?.kind === 'number') {
      shot.signalData(`${device.name}\\${product.label}`, product.value);
    } else if (product?.kind === 'reading') {
      shot.signalData(`${device.name}\\${product.label}`, readLevel(product.file, product.level));
    }
    recorder?.record({ ...base, kind: 'shot-finished' });
  }
}

/**
 * Shared machinery of the simulated device extensions: each one only says how its configuration
 * turns into initialization parameters and per-shot plans.
 */
export abstract class SimulatedDeviceExtension<Config> implements DeviceExtension<
  Config,
  SimulatedInit,
  SimulatedShotPlan,
  SimulatedDevice
> {
  abstract readonly type: string;
  abstract readonly label: string;
  abstract readonly configurationSchema: z.ZodType<Config>;

  constructor(protected readonly recorder: SimulationRecorder | undefined) {}

  defaultConfiguration(): Config {
    return this.configurationSchema.parse({});
  }

  /** Initialization parameters from the configuration. */
  protected init(_configuration: Config, _deviceName: string): SimulatedInit {
    return { openMs: 0 };
  }

  /** The per-shot plan (besides index and duration). */
  protected abstract plan(
    configuration: Config,
    shot: ShotContext,
    deviceName: string,
  ): Omit<SimulatedShotPlan, 'index' | 'durationSeconds'>;

  createCompiler(
    deviceName: string,
    configuration: Config,
    _sequence: SequenceContext,
  ): DeviceCompiler<SimulatedInit, SimulatedShotPlan> | DeviceNotUsed {
    return {
      initializationParameters: () => this.init(configuration, deviceName),
      compileShot: (shot) => ({
        index: shot.index,
        durationSeconds: shot.shotDuration / 1e12,
        ...this.plan(configuration, shot, deviceName),
      }),
    };
  }

  createDevice(deviceName: string, init: SimulatedInit): SimulatedDevice {
    return new SimulatedDevice(deviceName, init, this.recorder);
  }

  createController(_deviceName: string): SimulatedController {
    return new SimulatedController(this.recorder);
  }
}
