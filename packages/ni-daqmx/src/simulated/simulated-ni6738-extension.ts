import {
  type DeviceExtension,
  type SequenceContext,
  InProcessTriggerBus,
  TRIGGER_BUS_TOKEN,
  type TriggerBus,
  inject,
  injectable,
} from '@shotline/core';
import {
  SEQUENCER_TIMELINE_RECORDER_TOKEN,
  SequencerController,
  type SequencerShotParameters,
  SequencerTimelineRecorder,
} from '@shotline/sequencer';
import { Ni6738 } from '../ni6738.js';
import { Ni6738Compiler, type Ni6738InitParameters } from '../ni6738-compiler.js';
import type { Ni6738Program } from '../ni6738-program.js';
import { type SimulatedClock, SimulatedDaqmx } from './simulated-daqmx.js';
import {
  type SimulatedNi6738Configuration,
  simulatedNi6738Configuration,
  simulatedNi6738ConfigurationSchema,
} from './simulated-ni6738-configuration.js';

/** What a simulated NI 6738 is built from: the real card's parameters and its clock. */
export interface SimulatedNi6738InitParameters extends Ni6738InitParameters {
  readonly clock: SimulatedClock;
}

/** The compiler of a simulated NI 6738: the real card's compilation, plus where its clock is. */
export class SimulatedNi6738Compiler extends Ni6738Compiler {
  constructor(
    deviceName: string,
    private readonly simulated: SimulatedNi6738Configuration,
    sequence: SequenceContext,
  ) {
    super(deviceName, simulated, sequence);
  }

  override initializationParameters(): SimulatedNi6738InitParameters {
    return { ...super.initializationParameters(), clock: this.simulated.clock };
  }
}

/**
 * The simulated NI 6738 (`shotline.ni-daqmx.simulated-ni6738`): the real driver over NI-DAQmx
 * simulated in software ({@link SimulatedDaqmx}), for labs and demos without the card. Clocked by
 * a simulated master of the lab through the trigger bus, it records what it output in the lab's
 * {@link SequencerTimelineRecorder} (both injected when registered in the container).
 */
@injectable()
export class SimulatedNi6738Extension implements DeviceExtension<
  SimulatedNi6738Configuration,
  SimulatedNi6738InitParameters,
  SequencerShotParameters<Ni6738Program>,
  Ni6738
> {
  static readonly type = 'shotline.ni-daqmx.simulated-ni6738';
  readonly type = SimulatedNi6738Extension.type;
  readonly label = 'NI 6738 analog output card (simulated)';
  readonly configurationSchema = simulatedNi6738ConfigurationSchema;

  constructor(
    @inject(TRIGGER_BUS_TOKEN, { isOptional: true })
    readonly triggerBus: TriggerBus = new InProcessTriggerBus(),
    @inject(SEQUENCER_TIMELINE_RECORDER_TOKEN, { isOptional: true })
    readonly recorder: SequencerTimelineRecorder = new SequencerTimelineRecorder(),
  ) {}

  /** 32 channels at 0 V, 2.5 µs, clocked on change by a simulated master. */
  defaultConfiguration(): SimulatedNi6738Configuration {
    return simulatedNi6738Configuration();
  }

  createCompiler(
    deviceName: string,
    configuration: SimulatedNi6738Configuration,
    sequence: SequenceContext,
  ): SimulatedNi6738Compiler {
    return new SimulatedNi6738Compiler(deviceName, configuration, sequence);
  }

  createDevice(deviceName: string, parameters: SimulatedNi6738InitParameters): Ni6738 {
    return new Ni6738(
      { ...parameters, deviceName },
      () =>
        new SimulatedDaqmx({
          deviceName,
          deviceId: parameters.deviceId,
          clock: parameters.clock,
          bus: this.triggerBus,
          timeStep: parameters.timeStep,
          channels: parameters.channels,
          recorder: this.recorder,
        }),
    );
  }

  createController(deviceName: string): SequencerController {
    return new SequencerController(deviceName);
  }
}
