import { SimulatedCameraExtension } from '@shotline/camera';
import {
  AnalogTimeLane,
  CameraTimeLane,
  DigitalTimeLane,
  InProcessTriggerBus,
  TakePicture,
  TimeLanes,
} from '@shotline/core';
import { SimulatedSequencerExtension } from '@shotline/sequencer';
import { Ell14Simulator, MockSerialLink, createEll14Extension } from '@shotline/serial';
import { describeDeviceExtension } from '@shotline/testing';
import { ScpiSimulator, sdg6000xExtension } from '@shotline/visa';

// The drivers the demo wires together pass the conformance kit of @shotline/testing against their
// simulators: the kit is what a driver package adopts, and the demo relies on these contracts.

describeDeviceExtension(createEll14Extension({ openPort: (request) => link.openPort(request) }), {
  simulator: () => {
    const simulator = new Ell14Simulator();
    link = new MockSerialLink(simulator);
    return {
      configuration: { port: '/dev/ttyKIT', angle: '10° + i * 20°' },
      stop: () => simulator.dispose(),
    };
  },
});
let link: MockSerialLink;

describeDeviceExtension(sdg6000xExtension, {
  simulator: async () => {
    const simulator = await ScpiSimulator.start({ vxi11: false });
    return {
      configuration: {
        resource: simulator.socketResource,
        backend: 'tcpip',
        timeoutMs: 2000,
        checkErrorQueue: true,
        channels: [
          {
            kind: 'sine',
            output: 'Enabled',
            frequency: '80 MHz + i * 1 MHz',
            amplitude: '-3 dBm',
            offset: '0 V',
            load: '50 ohm',
          },
          { kind: 'ignored' },
        ],
      },
      stop: () => simulator.close(),
    };
  },
});

const pictureLanes = new TimeLanes({
  stepNames: ['wait', 'image', 'rest'],
  stepDurations: ['2 ms', '1 ms', '1 ms'],
  lanes: {
    dut: new CameraTimeLane([
      [null, 1],
      [new TakePicture('atoms'), 1],
      [null, 1],
    ]),
  },
});

describeDeviceExtension(new SimulatedCameraExtension(new InProcessTriggerBus()), {
  simulator: () => ({
    configuration: {
      roi: { x: 0, y: 0, width: 16, height: 16 },
      sensor: { width: 16, height: 16, bitDepth: 12 },
      cloud: { x: '8', y: '8', sigma: '2', peak: '100 + i' },
    },
    stop: () => undefined,
  }),
  sequence: { timeLanes: pictureLanes },
});

const sequencerLanes = new TimeLanes({
  stepNames: ['load', 'ramp'],
  stepDurations: ['2 ms', '1 ms'],
  lanes: {
    shutter: new DigitalTimeLane([
      [true, 1],
      [false, 1],
    ]),
    coil: new AnalogTimeLane([
      ['1 V + i * 0.1 V', 1],
      ['0 V', 1],
    ]),
  },
});

describeDeviceExtension(new SimulatedSequencerExtension(new InProcessTriggerBus()), {
  simulator: () => ({
    configuration: {
      timeStep: '1000',
      trigger: { type: 'software' },
      channels: [
        {
          type: 'digital',
          description: 'shutter',
          output: { type: 'LaneValues', lane: 'shutter' },
        },
        {
          type: 'analog',
          description: 'coil',
          outputUnit: 'V',
          output: { type: 'LaneValues', lane: 'coil' },
        },
      ],
    },
    stop: () => undefined,
  }),
  sequence: { timeLanes: sequencerLanes },
});
