import {
  type DeviceExtension,
  type SequenceContext,
  type TriggerBus,
  InProcessTriggerBus,
  TRIGGER_BUS_TOKEN,
  inject,
  injectable,
} from '@shotline/core';
import type { SequencerShotParameters } from '../compiler/sequencer-compiler.js';
import { SequencerController } from '../runtime/sequencer-controller.js';
import type { ProgramInstruction } from '../program/loop-program.js';
import {
  SEQUENCER_TIMELINE_RECORDER_TOKEN,
  SequencerTimelineRecorder,
} from './sequencer-timeline.js';
import { SimulatedSequencer } from './simulated-sequencer.js';
import {
  SimulatedSequencerCompiler,
  type SimulatedSequencerInitParameters,
} from './simulated-sequencer-compiler.js';
import {
  type SimulatedSequencerConfiguration,
  simulatedSequencerConfiguration,
  simulatedSequencerConfigurationSchema,
} from './simulated-sequencer-configuration.js';

/**
 * The simulated sequencer device type (`shotline.sequencer.simulated`). Its devices share the lab's
 * {@link TriggerBus} and {@link SequencerTimelineRecorder} (both injected when registered in the
 * container), so simulated cameras and slave sequencers follow its trigger channels, and tests can
 * inspect what it played.
 */
@injectable()
export class SimulatedSequencerExtension implements DeviceExtension<
  SimulatedSequencerConfiguration,
  SimulatedSequencerInitParameters,
  SequencerShotParameters<ProgramInstruction[]>,
  SimulatedSequencer
> {
  static readonly type = 'shotline.sequencer.simulated';
  readonly type = SimulatedSequencerExtension.type;
  readonly label = 'Simulated sequencer';
  readonly configurationSchema = simulatedSequencerConfigurationSchema;

  constructor(
    @inject(TRIGGER_BUS_TOKEN, { isOptional: true })
    readonly triggerBus: TriggerBus = new InProcessTriggerBus(),
    @inject(SEQUENCER_TIMELINE_RECORDER_TOKEN, { isOptional: true })
    readonly recorder: SequencerTimelineRecorder = new SequencerTimelineRecorder(),
  ) {}

  /** Eight digital channels reading the lanes `ch 0` .. `ch 7`, low when a lane is missing. */
  defaultConfiguration(): SimulatedSequencerConfiguration {
    return simulatedSequencerConfiguration({
      channels: Array.from({ length: 8 }, (_, i) => ({
        type: 'digital' as const,
        description: `ch ${i}`,
        output: {
          type: 'LaneValues' as const,
          lane: `ch ${i}`,
          default: { type: 'Constant' as const, value: 'Disabled' },
        },
      })),
    });
  }

  createCompiler(
    deviceName: string,
    configuration: SimulatedSequencerConfiguration,
    sequence: SequenceContext,
  ): SimulatedSequencerCompiler {
    return new SimulatedSequencerCompiler(deviceName, configuration, sequence);
  }

  createDevice(
    deviceName: string,
    parameters: SimulatedSequencerInitParameters,
  ): SimulatedSequencer {
    return new SimulatedSequencer({ ...parameters, deviceName }, this.triggerBus, this.recorder);
  }

  createController(deviceName: string): SequencerController {
    return new SequencerController(deviceName);
  }
}
