import { inject, injectable } from '@shotline/core';
import { z } from 'zod';
import { SimulatedDeviceExtension, type SimulatedShotPlan } from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link LockMonitorDeviceExtension}. */
export const lockMonitorDeviceConfigSchema = z.object({
  /** Signalled as `<device>\<label>`. */
  label: z.string().min(1).default('error'),
  /**
   * A file holding the monitored signal as a number (e.g. a laser lock's error voltage), read in
   * every shot: whatever writes it (a test, another process) steers what the monitor measures.
   */
  signalFile: z.string().min(1).optional(),
  /** The signal when there is no file, or it holds no number. */
  level: z.number().default(0),
  /** Time each shot takes after the barrier. */
  shotMs: z.number().min(0).default(0),
});

/** Configuration of a lock monitor. */
export type LockMonitorDeviceConfig = z.infer<typeof lockMonitorDeviceConfigSchema>;

/**
 * A simulated lock monitor: every shot it samples a signal (the number in `signalFile`) and
 * signals it as `<device>\<label>`, as a photodiode on a DAQ input watching a laser lock would.
 * What suspenders watch in tests and demos.
 */
@injectable()
export class LockMonitorDeviceExtension extends SimulatedDeviceExtension<LockMonitorDeviceConfig> {
  static readonly type = 'shotline.testing.lock-monitor';
  readonly type = LockMonitorDeviceExtension.type;
  readonly label = 'Lock monitor (simulated)';
  readonly configurationSchema = lockMonitorDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  /** The label it signals: `<device>\<label>`. */
  dataLabels(deviceName: string, config: LockMonitorDeviceConfig): string[] {
    return [`${deviceName}\\${config.label}`];
  }

  protected plan(config: LockMonitorDeviceConfig): Pick<SimulatedShotPlan, 'runMs' | 'produce'> {
    return {
      runMs: config.shotMs,
      produce: {
        kind: 'reading',
        label: config.label,
        file: config.signalFile ?? null,
        level: config.level,
      },
    };
  }
}
