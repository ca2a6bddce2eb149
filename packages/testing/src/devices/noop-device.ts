import { inject, injectable, type ShotContext } from '@shotline/core';
import { z } from 'zod';
import { SimulatedDeviceExtension, type SimulatedShotPlan } from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link NoopDeviceExtension}: lanes it claims to use (default none). */
export const noopDeviceConfigSchema = z.object({
  /** Time lanes this device marks used every shot. */
  lanes: z.array(z.string()).default([]),
});

/** Configuration of a no-op device. */
export type NoopDeviceConfig = z.infer<typeof noopDeviceConfigSchema>;

/** A device that does nothing but pass the readiness barrier: zero latency. */
@injectable()
export class NoopDeviceExtension extends SimulatedDeviceExtension<NoopDeviceConfig> {
  static readonly type = 'shotline.testing.noop';
  readonly type = NoopDeviceExtension.type;
  readonly label = 'No-op device (simulated)';
  readonly configurationSchema = noopDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  protected plan(config: NoopDeviceConfig, shot: ShotContext): Pick<SimulatedShotPlan, 'runMs'> {
    for (const lane of config.lanes) shot.markLaneUsed(lane);
    return { runMs: 0 };
  }
}
