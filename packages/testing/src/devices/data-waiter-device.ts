import { inject, injectable } from '@shotline/core';
import { z } from 'zod';
import { SimulatedDeviceExtension, type SimulatedShotPlan } from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link DataWaiterDeviceExtension}. */
export const dataWaiterDeviceConfigSchema = z.object({
  /** Labels it waits for after the barrier, in order (e.g. `camera\image`). */
  waitFor: z.array(z.string().min(1)).default([]),
});

/** Configuration of a data waiter. */
export type DataWaiterDeviceConfig = z.infer<typeof dataWaiterDeviceConfigSchema>;

/**
 * A device whose controller waits for data signalled by other devices of the shot, then signals
 * `<device>\received` (the number of labels received).
 */
@injectable()
export class DataWaiterDeviceExtension extends SimulatedDeviceExtension<DataWaiterDeviceConfig> {
  static readonly type = 'shotline.testing.data-waiter';
  readonly type = DataWaiterDeviceExtension.type;
  readonly label = 'Data waiter (simulated)';
  readonly configurationSchema = dataWaiterDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  protected plan(config: DataWaiterDeviceConfig): Pick<SimulatedShotPlan, 'runMs' | 'waitFor'> {
    return { runMs: 0, waitFor: config.waitFor };
  }
}
