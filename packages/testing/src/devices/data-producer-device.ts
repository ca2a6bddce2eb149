import { inject, injectable } from '@shotline/core';
import { z } from 'zod';
import { SimulatedDeviceExtension, type SimulatedShotPlan } from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link DataProducerDeviceExtension}. */
export const dataProducerDeviceConfigSchema = z.object({
  /** Signalled as `<device>\<label>`. */
  label: z.string().min(1).default('image'),
  /** A uint16 image of `height` × `width` filled with the shot index, or the index as a number. */
  kind: z.enum(['image', 'value']).default('image'),
  width: z.int().min(1).default(64),
  height: z.int().min(1).default(64),
  /** Time each shot takes after the barrier, before the data is signalled. */
  shotMs: z.number().min(0).default(0),
});

/** Configuration of a data producer. */
export type DataProducerDeviceConfig = z.infer<typeof dataProducerDeviceConfigSchema>;

/** A device that signals data every shot (an image, like a camera, or a number). */
@injectable()
export class DataProducerDeviceExtension extends SimulatedDeviceExtension<DataProducerDeviceConfig> {
  static readonly type = 'shotline.testing.data-producer';
  readonly type = DataProducerDeviceExtension.type;
  readonly label = 'Data producer (simulated)';
  readonly configurationSchema = dataProducerDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  /** The labels it produces: `<device>\<label>`. */
  dataLabels(deviceName: string, config: DataProducerDeviceConfig): string[] {
    return [`${deviceName}\\${config.label}`];
  }

  protected plan(config: DataProducerDeviceConfig): Pick<SimulatedShotPlan, 'runMs' | 'produce'> {
    return {
      runMs: config.shotMs,
      produce:
        config.kind === 'image'
          ? { kind: 'image', label: config.label, width: config.width, height: config.height }
          : { kind: 'value', label: config.label },
    };
  }
}
