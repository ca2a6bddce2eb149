import { SimulatedCameraExtension } from '@shotline/camera';
import {
  AnalogTimeLane,
  CameraTimeLane,
  DigitalTimeLane,
  InProcessTriggerBus,
  TakePicture,
  TimeLanes,
  type AnyDeviceExtension,
} from '@shotline/core';
import { SimulatedSequencerExtension } from '@shotline/sequencer';
import { Ell14Simulator, MockSerialLink, createEll14Extension } from '@shotline/serial';
import {
  DataProducerDeviceExtension,
  DataWaiterDeviceExtension,
  SlowDeviceExtension,
  describeDeviceExtension,
} from '@shotline/testing';
import { ScpiSimulator, sdg6000xExtension } from '@shotline/visa';
import { afterAll, beforeAll } from 'vitest';
import {
  startTestDeviceServer,
  testCertificates,
  type TestDeviceServer,
} from '../testing/remote-lab.test-helper.js';
import type { DeviceServerConnection } from './device-server-connection.js';
import { remoteDeviceExtension } from './remote-device-extension.js';

// Every simulated driver passes the conformance kit of @shotline/testing as a remote device: the
// kit compiles on this side and runs open/close/runShot through a real device server over TLS on
// loopback (in this process, with the same extension objects, so the simulators are shared).

let link: MockSerialLink;
const ell14 = createEll14Extension({ openPort: (request) => link.openPort(request) });
const camera = new SimulatedCameraExtension(new InProcessTriggerBus());
const sequencer = new SimulatedSequencerExtension(new InProcessTriggerBus());
const producer = new DataProducerDeviceExtension();
const waiterless = new SlowDeviceExtension();
const hosted: AnyDeviceExtension[] = [
  ell14,
  sdg6000xExtension,
  camera,
  sequencer,
  producer,
  waiterless,
  new DataWaiterDeviceExtension(),
];

let certs: Awaited<ReturnType<typeof testCertificates>>;
let server: TestDeviceServer;
let connection: DeviceServerConnection;
beforeAll(async () => {
  certs = await testCertificates();
  server = await startTestDeviceServer(certs.certs, {
    plugins: [],
    extensions: hosted,
    name: 'kit-pc',
  });
  connection = server.connect();
}, 60_000);
afterAll(async () => {
  await server.close();
  await certs.dispose();
});

const remote = (extension: AnyDeviceExtension): AnyDeviceExtension =>
  remoteDeviceExtension(extension, { server: 'kit-pc', connection: () => connection });

describeDeviceExtension(remote(ell14), {
  simulator: () => {
    const simulator = new Ell14Simulator();
    link = new MockSerialLink(simulator);
    return {
      configuration: { port: '/dev/ttyKIT', angle: '10° + i * 20°' },
      stop: () => simulator.dispose(),
    };
  },
});

describeDeviceExtension(remote(sdg6000xExtension), {
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

describeDeviceExtension(remote(camera), {
  simulator: () => ({
    configuration: {
      roi: { x: 0, y: 0, width: 16, height: 16 },
      sensor: { width: 16, height: 16, bitDepth: 12 },
      cloud: { x: '8', y: '8', sigma: '2', peak: '100 + i' },
    },
    stop: () => undefined,
  }),
  sequence: {
    timeLanes: new TimeLanes({
      stepNames: ['wait', 'image', 'rest'],
      stepDurations: ['2 ms', '1 ms', '1 ms'],
      lanes: {
        dut: new CameraTimeLane([
          [null, 1],
          [new TakePicture('atoms'), 1],
          [null, 1],
        ]),
      },
    }),
  },
});

describeDeviceExtension(remote(sequencer), {
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
  sequence: {
    timeLanes: new TimeLanes({
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
    }),
  },
});

describeDeviceExtension(remote(producer), {
  simulator: () => ({
    configuration: { label: 'image', kind: 'image', width: 4, height: 3, shotMs: 0 },
    stop: () => undefined,
  }),
});

describeDeviceExtension(remote(waiterless), {
  simulator: () => ({
    configuration: { openMs: 1, shotMs: 5, compileMs: 0 },
    stop: () => undefined,
  }),
});
