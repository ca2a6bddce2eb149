import { ParameterNamespace, type DeviceConfiguration } from '@shotline/core';
import type { DemoInstruments } from './demo-instruments.js';

/** Where the demo's sequence lives in the lab's tree. */
export const DEMO_SEQUENCE_PATH = '\\demo\\scan';

/** The plugin packages the demo lab loads. */
export const DEMO_PLUGINS = [
  '@shotline/camera',
  '@shotline/sequencer',
  '@shotline/serial',
  '@shotline/visa',
] as const;

/**
 * The demo's sequence file: a 2-D scan of the probe detuning (10 values) and the waveplate angle
 * (5 values), 50 shots. Each shot loads a MOT, ramps its coil down and takes one picture of the
 * cloud, triggered by the sequencer. Written into the lab folder so users can read and reuse it.
 */
export const DEMO_SEQUENCE_FILE = `# The demo scan: 10 probe detunings x 5 waveplate angles = 50 shots.
# Format: see the README of @shotline/cli. Create your own with
#   shotline seq create my-scan --file scan.yaml
iteration:
  - linspace: detuning
    start: -10 MHz
    stop: 10 MHz
    num: 10
    do:
      - linspace: angle
        start: 0°
        stop: 90°
        num: 5
        do: [shot]
steps:
  - load: 20 ms
  - ramp: 5 ms
  - image: 1 ms
  - readout: 4 ms            # the camera trigger falls before the end of the shot
lanes:
  mot shutter:
    digital: [true, true, false, false]
  mot coil:
    analog: [2 V, ramp, 0 V, 0 V]
  camera:
    camera: [null, null, atoms, null]
`;

/** The demo lab's globals: the RF carrier the detuning is added to. */
export function demoGlobals(): ParameterNamespace {
  return ParameterNamespace.fromMapping({ rf: { carrier: '80 MHz', power: '-3 dBm' } });
}

/**
 * The demo's devices: a simulated sequencer driving the MOT shutter and coil and triggering the
 * simulated camera, the ELL14 waveplate and the SDG6000X RF source on their simulators.
 */
export function demoDevices(instruments: DemoInstruments): DeviceConfiguration[] {
  return [
    {
      name: 'sequencer',
      type: 'shotline.sequencer.simulated',
      configuration: {
        timeStep: '1000',
        trigger: { type: 'software' },
        // Shots take their real duration (30 ms), as on hardware.
        playback: { mode: 'realTime', speed: 1 },
        channels: [
          {
            type: 'digital',
            description: 'MOT shutter',
            output: { type: 'LaneValues', lane: 'mot shutter' },
          },
          {
            type: 'digital',
            description: 'camera trigger',
            output: {
              type: 'DeviceTrigger',
              device: 'camera',
              default: { type: 'Constant', value: 'Disabled' },
            },
          },
          {
            type: 'analog',
            description: 'MOT coil',
            outputUnit: 'V',
            output: { type: 'LaneValues', lane: 'mot coil' },
          },
        ],
      },
    },
    {
      name: 'camera',
      type: 'shotline.camera.simulated',
      configuration: {
        roi: { x: 0, y: 0, width: 128, height: 128 },
        sensor: { width: 128, height: 128, bitDepth: 12 },
        externalTrigger: true,
        // The cloud: a Lorentzian in the detuning, Malus's law in the waveplate angle.
        cloud: {
          x: '64 + 20 * detuning / 10 MHz',
          y: '64',
          sigma: '8',
          peak: '3000 * cos(2 * angle)^2 / (1 + (detuning / 4 MHz)^2)',
        },
      },
    },
    {
      name: 'waveplate',
      type: 'shotline.serial.ell14',
      configuration: { port: instruments.ell14Port, angle: 'angle' },
    },
    {
      name: 'rf',
      type: 'shotline.visa.sdg6000x',
      configuration: {
        resource: instruments.sdgResource,
        backend: 'tcpip',
        timeoutMs: 2000,
        checkErrorQueue: true,
        channels: [
          {
            kind: 'sine',
            output: 'Enabled',
            frequency: 'rf.carrier + detuning',
            amplitude: 'rf.power',
            offset: '0 V',
            load: '50 ohm',
          },
          { kind: 'ignored' },
        ],
      },
    },
  ];
}
