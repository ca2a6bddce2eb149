import { inject, injectable } from '@shotline/core';
import { z } from 'zod';
import {
  SimulatedDeviceExtension,
  busyWait,
  type SimulatedInit,
  type SimulatedShotPlan,
} from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link SlowDeviceExtension}. */
export const slowDeviceConfigSchema = z.object({
  /** Time `open()` takes. */
  openMs: z.number().min(0).default(0),
  /** Time each shot takes after the barrier (aborts stop it at once). */
  shotMs: z.number().min(0).default(10),
  /** CPU time each shot's compilation takes (busy-wait). */
  compileMs: z.number().min(0).default(0),
});

/** Configuration of a slow device. */
export type SlowDeviceConfig = z.infer<typeof slowDeviceConfigSchema>;

/** A device that takes time to open, to compile and to run each shot. */
@injectable()
export class SlowDeviceExtension extends SimulatedDeviceExtension<SlowDeviceConfig> {
  static readonly type = 'shotline.testing.slow';
  readonly type = SlowDeviceExtension.type;
  readonly label = 'Slow device (simulated)';
  readonly configurationSchema = slowDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  protected override init(config: SlowDeviceConfig): SimulatedInit {
    return { openMs: config.openMs };
  }

  protected plan(config: SlowDeviceConfig): Pick<SimulatedShotPlan, 'runMs'> {
    if (config.compileMs > 0) busyWait(config.compileMs);
    return { runMs: config.shotMs };
  }
}
