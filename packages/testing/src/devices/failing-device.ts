import {
  inject,
  injectable,
  type DeviceCompiler,
  type DeviceNotUsed,
  type SequenceContext,
  type ShotContext,
} from '@shotline/core';
import { z } from 'zod';
import {
  SimulatedDeviceExtension,
  busyWait,
  simulatedError,
  type SimulatedFailure,
  type SimulatedInit,
  type SimulatedShotPlan,
} from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link FailingDeviceExtension}. */
export const failingDeviceConfigSchema = z.object({
  /**
   * Where it fails: creating its compiler, computing initialization parameters, compiling a shot,
   * opening, running a shot, or closing.
   */
  phase: z
    .enum(['compiler', 'initialize', 'compile', 'open', 'runShot', 'close'])
    .default('runShot'),
  /** Shot at which `compile` and `runShot` failures happen. */
  atShot: z.int().min(0).default(0),
  /** Error raised: recoverable ones (`invalid-value`, `timeout`, `connection`) or a `bug`. */
  error: z.enum(['invalid-value', 'timeout', 'connection', 'bug']).default('invalid-value'),
  /** `runShot`: fail only the first N attempts of the shot (to test retries). */
  attempts: z.int().min(1).optional(),
  /** `compile`: instead of failing, spin for this long (to test the compile deadline). */
  hangMs: z.number().min(0).optional(),
  /** Time each shot takes after the barrier when not failing. */
  shotMs: z.number().min(0).default(0),
});

/** Configuration of a failing device. */
export type FailingDeviceConfig = z.infer<typeof failingDeviceConfigSchema>;

function failure(config: FailingDeviceConfig, device: string, where: string): SimulatedFailure {
  return {
    error: config.error,
    message: `simulated ${config.phase} failure of device "${device}"${where}`,
    ...(config.attempts === undefined ? {} : { attempts: config.attempts }),
  };
}

/** A device that fails on purpose at a chosen phase (and shot). */
@injectable()
export class FailingDeviceExtension extends SimulatedDeviceExtension<FailingDeviceConfig> {
  static readonly type = 'shotline.testing.failing';
  readonly type = FailingDeviceExtension.type;
  readonly label = 'Failing device (simulated)';
  readonly configurationSchema = failingDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  override createCompiler(
    deviceName: string,
    config: FailingDeviceConfig,
    sequence: SequenceContext,
  ): DeviceCompiler<SimulatedInit, SimulatedShotPlan> | DeviceNotUsed {
    if (config.phase === 'compiler') throw simulatedError(failure(config, deviceName, ''));
    return super.createCompiler(deviceName, config, sequence);
  }

  protected override init(config: FailingDeviceConfig, device: string): SimulatedInit {
    if (config.phase === 'initialize') throw simulatedError(failure(config, device, ''));
    return {
      openMs: 0,
      ...(config.phase === 'open' ? { failOpen: failure(config, device, '') } : {}),
      ...(config.phase === 'close' ? { failClose: failure(config, device, '') } : {}),
    };
  }

  protected plan(
    config: FailingDeviceConfig,
    shot: ShotContext,
    deviceName: string,
  ): Omit<SimulatedShotPlan, 'index' | 'durationSeconds'> {
    const here = shot.index === config.atShot;
    if (here && config.phase === 'compile') {
      if (config.hangMs !== undefined) busyWait(config.hangMs);
      else throw simulatedError(failure(config, deviceName, ` at shot ${shot.index}`));
    }
    return {
      runMs: config.shotMs,
      ...(here && config.phase === 'runShot'
        ? { fail: failure(config, deviceName, ` at shot ${shot.index}`) }
        : {}),
    };
  }
}
