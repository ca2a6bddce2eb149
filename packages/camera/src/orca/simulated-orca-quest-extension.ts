import {
  inject,
  injectable,
  isDeviceNotUsed,
  InProcessTriggerBus,
  TRIGGER_BUS_TOKEN,
  type DeviceExtension,
  type DeviceNotUsed,
  type SequenceContext,
  type TimeLane,
  type TriggerBus,
} from '@shotline/core';
import { z } from 'zod';
import { cameraLaneOf, cameraPictureLabels } from '../camera-lane.js';
import { CameraController } from '../camera-controller.js';
import type { CameraShotParameters } from '../camera-shot-parameters.js';
import { OrcaQuestCamera } from './orca-quest-camera.js';
import { OrcaQuestCompiler, type OrcaQuestInitParameters } from './orca-quest-compiler.js';
import { orcaQuestConfigurationFields, refineOrcaQuest } from './orca-quest-configuration.js';
import { SimulatedDcam } from './simulated-dcam.js';

/**
 * Configuration of a simulated ORCA-Quest (`shotline.camera.simulated-orca-quest`): the real
 * camera's configuration (same checks), and where its triggers come from: a simulated sequencer of
 * the lab (`master`, the default) or its own clock (`internal`, for a camera used alone).
 */
export const simulatedOrcaQuestConfigurationSchema = z
  .object({
    ...orcaQuestConfigurationFields,
    trigger: z.enum(['master', 'internal']).default('master'),
  })
  .superRefine(refineOrcaQuest);

/** Configuration of a simulated ORCA-Quest. */
export type SimulatedOrcaQuestConfiguration = z.infer<typeof simulatedOrcaQuestConfigurationSchema>;

/** What a simulated ORCA-Quest is built from. */
export interface SimulatedOrcaQuestInitParameters extends OrcaQuestInitParameters {
  readonly trigger: SimulatedOrcaQuestConfiguration['trigger'];
}

/** The compiler of a simulated ORCA-Quest: the real camera's, plus where its triggers come from. */
export class SimulatedOrcaQuestCompiler extends OrcaQuestCompiler {
  constructor(
    deviceName: string,
    private readonly simulated: SimulatedOrcaQuestConfiguration,
    sequence: SequenceContext,
    lane: TimeLane,
  ) {
    super(deviceName, simulated, sequence, lane);
  }

  override initializationParameters(): SimulatedOrcaQuestInitParameters {
    return { ...super.initializationParameters(), trigger: this.simulated.trigger };
  }
}

/**
 * The simulated ORCA-Quest: the real driver over DCAM-API simulated in software
 * ({@link SimulatedDcam}), exposed by the pulses a simulated sequencer of the lab publishes on the
 * trigger bus (injected), for labs and demos without the camera.
 */
@injectable()
export class SimulatedOrcaQuestExtension implements DeviceExtension<
  SimulatedOrcaQuestConfiguration,
  SimulatedOrcaQuestInitParameters,
  CameraShotParameters<null>,
  OrcaQuestCamera
> {
  static readonly type = 'shotline.camera.simulated-orca-quest';
  readonly type = SimulatedOrcaQuestExtension.type;
  readonly label = 'Hamamatsu ORCA-Quest (simulated)';
  readonly configurationSchema = simulatedOrcaQuestConfigurationSchema;

  constructor(
    @inject(TRIGGER_BUS_TOKEN, { isOptional: true })
    readonly triggerBus: TriggerBus = new InProcessTriggerBus(),
  ) {}

  /** The full sensor, triggered by a simulated sequencer. */
  defaultConfiguration(): SimulatedOrcaQuestConfiguration {
    return simulatedOrcaQuestConfigurationSchema.parse({});
  }

  createCompiler(
    deviceName: string,
    configuration: SimulatedOrcaQuestConfiguration,
    sequence: SequenceContext,
  ): SimulatedOrcaQuestCompiler | DeviceNotUsed {
    const lane = cameraLaneOf(deviceName, sequence);
    if (isDeviceNotUsed(lane)) return lane;
    return new SimulatedOrcaQuestCompiler(deviceName, configuration, sequence, lane);
  }

  createDevice(deviceName: string, parameters: SimulatedOrcaQuestInitParameters): OrcaQuestCamera {
    const dcam = new SimulatedDcam({
      deviceName,
      trigger: parameters.trigger,
      bus: this.triggerBus,
    });
    return new OrcaQuestCamera(deviceName, parameters, () => dcam);
  }

  createController(deviceName: string): CameraController<null> {
    return new CameraController(deviceName);
  }

  dataLabels(
    deviceName: string,
    _configuration: SimulatedOrcaQuestConfiguration,
    sequence: SequenceContext,
  ): string[] {
    return cameraPictureLabels(deviceName, sequence);
  }
}
