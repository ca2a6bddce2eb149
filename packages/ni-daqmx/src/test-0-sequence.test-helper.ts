// The reference system's timing regression test `test_0`, in shotline's terms: a real lab's sequence
// (a red MOT, tweezers, imaging and a 741 pulse scanned in µs steps) with its device configurations,
// a SpinCore PulseBlaster at 50 ns clocking an NI 6738 at 3 µs on change. The reference computes
// shot 22 with decimal time: it lasts exactly 0.47811 s, i.e. 159,370 ticks of the NI 6738 and
// 9,562,200 ticks of the PulseBlaster. The data (lanes, globals, scan, channel outputs and
// calibrations) is transcribed from the reference's test fixtures.
import {
  AnalogRamp,
  AnalogTimeLane,
  ArangeLoop,
  DigitalTimeLane,
  ExecuteShot,
  IterationConfiguration,
  ParameterNamespace,
  TimeLanes,
  VariableDeclaration,
} from '@shotline/core';
import type { ChannelConfiguration, ChannelOutput } from '@shotline/sequencer';

/** Shot 22 of the scan is the regression case. */
export const TEST_0_SHOT = 22;

/** Its duration in picoseconds: 0.47811 s. */
export const TEST_0_DURATION = 478_110_000_000;

const repeatValue = <T>(value: T, count: number): T[] => Array.from({ length: count }, () => value);
const T = true;
const F = false;
const RAMP = new AnalogRamp();

function analogLane(values: readonly (string | AnalogRamp)[]): AnalogTimeLane {
  return AnalogTimeLane.fromValues(values);
}

/** The 27 steps and 19 lanes of `test_0`. */
export function test0TimeLanes(): TimeLanes {
  return new TimeLanes({
    stepNames: [
      'load MOT',
      'ramp MOT',
      'Step 2',
      'red MOT',
      'Step 4',
      'close shutter',
      'ramp currents',
      'ramp traps',
      'collisions',
      'repump start',
      'repump',
      'repump end',
      'picture',
      'ramp',
      'wait',
      'cool',
      'wait',
      'ramp',
      'wait',
      'kill',
      'aom off',
      'nothing',
      'ramp',
      'stabilize field',
      'picture',
      'nothing',
      'stop',
    ],
    stepDurations: [
      'mot_loading.duration',
      'red_mot.ramp_duration',
      '1 ms',
      'red_mot.duration',
      '1 ms',
      '10 ms',
      '5 ms',
      '10 ms',
      'collisions.duration',
      '1 ms',
      'repump.duration',
      '1 ms',
      'imaging.exposure',
      '1 ms',
      '1 ms',
      'cooling_duration',
      '5 ms',
      '1 ms',
      'duration_741',
      'kill_time',
      '200 ns',
      '100 us',
      '1 ms',
      '10 ms',
      'imaging.exposure',
      '5 ms',
      '10 ms',
    ],
    lanes: {
      'Push beam \\ shutter': DigitalTimeLane.fromValues([T, ...repeatValue(F, 25), T]),
      '2D MOT \\ AOM': DigitalTimeLane.fromValues([T, ...repeatValue(F, 25), T]),
      'Coils \\ MOT \\ switch': DigitalTimeLane.fromValues([
        ...repeatValue(T, 5),
        ...repeatValue(F, 21),
        T,
      ]),
      'Coils \\ MOT \\ current': analogLane([
        'mot_loading.current',
        RAMP,
        ...repeatValue('red_mot.current', 24),
        'mot_loading.current',
      ]),
      'Coils \\ offset \\ X': analogLane([
        'mot_loading.x_current',
        RAMP,
        'red_mot.x_current_1',
        RAMP,
        'red_mot.x_current_2',
        '0 A',
        RAMP,
        ...repeatValue('imaging.x_current', 19),
        'mot_loading.x_current',
      ]),
      'Coils \\ offset \\ Y': analogLane([
        'mot_loading.y_current',
        RAMP,
        ...repeatValue('red_mot.y_current', 3),
        '0 A',
        RAMP,
        ...repeatValue('imaging.y_current', 19),
        'mot_loading.y_current',
      ]),
      'Coils \\ offset \\ Z': analogLane([
        'mot_loading.z_current',
        RAMP,
        ...repeatValue('red_mot.z_current', 3),
        '-2 A',
        RAMP,
        ...repeatValue('imaging.z_current', 19),
        'mot_loading.z_current',
      ]),
      '421 cell \\ horizontal shutter': DigitalTimeLane.fromValues([T, ...repeatValue(F, 25), T]),
      '421 cell \\ kill \\ shutter': DigitalTimeLane.fromValues([
        ...repeatValue(F, 19),
        T,
        T,
        ...repeatValue(F, 6),
      ]),
      '421 cell \\ power': analogLane([
        ...repeatValue('mot_loading.blue_power', 14),
        ...repeatValue('kill_power', 10),
        ...repeatValue('mot_loading.blue_power', 3),
      ]),
      '421 cell \\ frequency': analogLane([
        ...repeatValue('mot_loading.blue_frequency', 14),
        ...repeatValue('kill_frequency', 10),
        ...repeatValue('mot_loading.blue_frequency', 3),
      ]),
      '626 \\ MOT \\ AOM': DigitalTimeLane.fromValues([
        ...repeatValue(T, 5),
        ...repeatValue(F, 21),
        T,
      ]),
      '626 \\ MOT \\ horizontal shutter': DigitalTimeLane.fromValues([
        ...repeatValue(T, 5),
        ...repeatValue(F, 21),
        T,
      ]),
      '626 \\ MOT \\ power': analogLane([
        'mot_loading.red_power',
        RAMP,
        ...repeatValue('red_mot.power', 24),
        'mot_loading.red_power',
      ]),
      '626 \\ MOT \\ frequency': analogLane([
        'mot_loading.red_frequency',
        RAMP,
        ...repeatValue('red_mot.frequency', 24),
        'mot_loading.red_frequency',
      ]),
      '626 imaging \\ frequency': analogLane([
        ...repeatValue('collisions.frequency', 9),
        ...repeatValue('repump.frequency', 2),
        ...repeatValue('imaging.frequency', 16),
      ]),
      '626 imaging \\ power': analogLane([
        ...repeatValue('collisions.power', 9),
        ...repeatValue('imaging.power', 18),
      ]),
      '532 tweezers \\ power': analogLane([
        ...repeatValue('tweezers.loading_power*1.175', 7),
        RAMP,
        ...repeatValue('tweezers.imaging_power*1.175', 5),
        RAMP,
        ...repeatValue('20 %', 8),
        RAMP,
        ...repeatValue('tweezers.imaging_power*1.175', 3),
        '100%',
      ]),
      '741 \\ AOM': DigitalTimeLane.fromValues([
        ...repeatValue(F, 15),
        T,
        T,
        F,
        T,
        ...repeatValue(F, 8),
      ]),
    },
  });
}

/** The lab's global parameters. */
export function test0Globals(): ParameterNamespace {
  return ParameterNamespace.fromMapping({
    mot_loading: {
      duration: '50 ms',
      current: '2.37 A',
      x_current: '0.186 A',
      y_current: '0.407 A',
      z_current: '-0.119 A',
      blue_power: '100%',
      blue_frequency: '21.7 MHz',
      red_frequency: '-3.25 MHz',
      red_power: '0 dB',
      push_power: '0.7 mW',
    },
    imaging: {
      power: '-18 dB',
      frequency: '-18.23 MHz',
      exposure: '30 ms',
      x_current: '0.25 A',
      y_current: '4.94 A',
      z_current: '0.183 A',
    },
    red_mot: {
      ramp_duration: '100 ms',
      x_current: '0.286 A',
      x_current_1: '0.27 A',
      x_current_2: '0.32 A',
      y_current: '0.095 A',
      z_current: '0.020 A',
      current: '0.8 A',
      power: '-36 dB',
      frequency: '-1.05 MHz',
      duration: '100 ms',
    },
    collisions: { power: '-17 dB', frequency: '-18.13 MHz', duration: '30 ms' },
    tweezers: {
      loading_power: '45%',
      imaging_power: '42%',
      hwp_angle: '139.625°',
      rearrangement_duration: '450 us',
      move_time: '600 us',
    },
    repump: { frequency: '-16.65 MHz', duration: '25 ms' },
    cooling: { frequency: '-18.10 MHz' },
    target_fringe_position: '0.2',
    kill_frequency: '+40 MHz',
    kill_power: '100 %',
    kill_time: '150 ns',
    kill_current: '4.96 A',
    probe: { frequency: '-18.215 MHz', power: '-16 dB' },
    perp_probe: 'Disabled',
    parallel_probe: 'Disabled',
    narrow_probe: { frequency: '0 MHz', power: '0%', frequency2: '0 MHz' },
  });
}

/** The scan: declarations, then 10 repetitions of the 741 pulse from 0 to 15 µs in 0.4 µs steps. */
export function test0Iteration(): IterationConfiguration {
  return new IterationConfiguration([
    new VariableDeclaration('kill_time', '1 us'),
    new VariableDeclaration('tof_duration', '30 us'),
    new VariableDeclaration('initial_frequency', '-0.9 MHz'),
    new VariableDeclaration('final_frequency', '-0.29 MHz'),
    new VariableDeclaration('duration_741', '250 us'),
    new VariableDeclaration('cooling_duration', '50 ms'),
    new VariableDeclaration('cooling_741_power', '-30 dB'),
    new VariableDeclaration('frequency_741', '0 MHz'),
    new ArangeLoop({
      variable: 'rep',
      start: '0',
      stop: '10',
      step: '1',
      steps: [
        new ArangeLoop({
          variable: 'duration_741',
          start: '0 us',
          stop: '15 us',
          step: '0.4 us',
          steps: [new ExecuteShot()],
        }),
      ],
    }),
  ]);
}

const lane = (name: string, fallback?: ChannelOutput): ChannelOutput =>
  fallback === undefined
    ? { type: 'LaneValues', lane: name }
    : { type: 'LaneValues', lane: name, default: fallback };
const constant = (value: string): ChannelOutput => ({ type: 'Constant', value });
const DISABLED = constant('Disabled');
const trigger = (device: string, fallback?: ChannelOutput): ChannelOutput =>
  fallback === undefined
    ? { type: 'DeviceTrigger', device }
    : { type: 'DeviceTrigger', device, default: fallback };
const mapping = (
  input: ChannelOutput,
  inputUnit: string,
  points: [number, number][],
): ChannelOutput => ({
  type: 'CalibratedAnalogMapping',
  input,
  inputUnit,
  outputUnit: 'V',
  points,
});

const digital = (description: string, output: ChannelOutput): ChannelConfiguration => ({
  type: 'digital',
  description,
  output,
});
const analog = (description: string, output: ChannelOutput): ChannelConfiguration => ({
  type: 'analog',
  description,
  outputUnit: 'V',
  output,
});

/** The 24 channels of the PulseBlaster ("Spincore"), channel 0 clocking the NI 6738. */
export function test0PulseBlasterChannels(): ChannelConfiguration[] {
  return [
    digital('NI6738 trigger', trigger('NI6738')),
    digital('', DISABLED),
    digital('2D MOT \\ AOM', lane('2D MOT \\ AOM')),
    digital('lattice monitoring trigger', trigger('Fringe stabilizer', DISABLED)),
    digital('741 switch', lane('741 \\ AOM', DISABLED)),
    digital('oscilloscopes trigger', DISABLED),
    digital('MOT coils', lane('Coils \\ MOT \\ switch')),
    digital('626 MOT (AOM)', lane('626 \\ MOT \\ AOM')),
    digital('Push beam (shutter)', lane('Push beam \\ shutter')),
    digital('421 kill (shutter)', {
      type: 'BroadenLeft',
      input: lane('421 cell \\ kill \\ shutter', DISABLED),
      width: '20 ms',
    }),
    digital('421 horizontal (shutter)', lane('421 cell \\ horizontal shutter')),
    digital('spectrum dds trigger', trigger('Spectrum DDS', DISABLED)),
    digital('Orca quest trigger', trigger('Orca Quest', DISABLED)),
    digital('626 MOT horizontal (shutter)', lane('626 \\ MOT \\ horizontal shutter')),
    digital('parallel probe shutter', constant('parallel_probe')),
    digital('perpendicular probe shutter', constant('perp_probe')),
    digital('FSK Siglent 741', lane('Hop Frequency 741', DISABLED)),
    digital('trigger AWG', trigger('Tweezer arranger', DISABLED)),
    digital('Swabian pulse streamer trigger', DISABLED),
    ...repeatValue(digital('', DISABLED), 5),
  ];
}

/** The 32 channels of the NI 6738 ("NI6738"), with the lab's calibrations. */
export function test0Ni6738Channels(): ChannelConfiguration[] {
  return [
    analog(
      '532 tweezers power (AOM)',
      mapping(lane('532 tweezers \\ power', constant('100 %')), '', [
        [0.0, -6.0],
        [0.07, -5.0],
        [0.266, -4.0],
        [0.526, -3.0],
        [0.772, -2.0],
        [0.939, -1.0],
        [1.0, 0.0],
      ]),
    ),
    analog(
      'MOT coils current',
      mapping(lane('Coils \\ MOT \\ current'), 'A', [
        [0.0, 0.0],
        [10.0, 1.67],
      ]),
    ),
    analog(
      '626 MOT frequency',
      mapping(lane('626 \\ MOT \\ frequency'), 'MHz', [
        [-20.0, -6.0],
        [20.0, 6.0],
      ]),
    ),
    analog(
      '421 cell frequency',
      mapping(lane('421 cell \\ frequency'), 'MHz', [
        [-40.0, -1.0],
        [40.0, 1.0],
      ]),
    ),
    analog(
      'Z offset',
      mapping(lane('Coils \\ offset \\ Z'), 'A', [
        [-3.0, -10.0],
        [3.0, 10.0],
      ]),
    ),
    analog(
      '626 MOT power',
      mapping(lane('626 \\ MOT \\ power'), 'dB', [
        [-68.91, 0.0],
        [-67.94, 1.0],
        [-54.93, 1.5],
        [-48.07, 1.6],
        [-43.4, 1.7],
        [-33.92, 2.0],
        [-25.58, 2.5],
        [-20.78, 3.0],
        [-14.72, 4.0],
        [-10.95, 5.0],
        [-8.03, 6.0],
        [-5.63, 7.0],
        [-3.56, 8.0],
        [-1.68, 9.0],
        [0.0, 10.0],
      ]),
    ),
    analog(
      'X offset',
      mapping(lane('Coils \\ offset \\ X'), 'A', [
        [0.0, 0.0],
        [6.0, 3.0],
      ]),
    ),
    analog(
      'Y offset',
      mapping(lane('Coils \\ offset \\ Y'), 'A', [
        [0.0, 0.0],
        [6.0, 3.0],
      ]),
    ),
    analog(
      '421 cell power (AOM)',
      mapping(lane('421 cell \\ power'), 'dB', [
        [-33.63, -0.275],
        [-30.62, -0.25],
        [-23.46, -0.225],
        [-17.66, -0.2],
        [-13.33, -0.175],
        [-9.96, -0.15],
        [-5.18, -0.1],
        [-2.0, -0.05],
        [0.0, 0.0],
      ]),
    ),
    analog('', constant('0 V')),
    analog(
      'push power',
      mapping(constant('mot_loading.push_power'), 'mW', [
        [0.0, 0.05],
        [0.7, 1.3],
      ]),
    ),
    analog(
      '626 imaging frequency (AOM)',
      mapping(lane('626 imaging \\ frequency', constant('0 MHz')), 'MHz', [
        [-20.0, -6.113],
        [20.0, 6.052],
      ]),
    ),
    analog(
      '626 imaging power (AOM)',
      mapping(lane('626 imaging \\ power', constant('0 dB')), 'dB', [
        [-39.4, 0.5],
        [-33.0, 0.525],
        [-26.74, 0.55],
        [-21.05, 0.575],
        [-16.0, 0.6],
        [-11.92, 0.625],
        [-8.6, 0.65],
        [-4.03, 0.7],
        [-1.64, 0.75],
        [-0.65, 0.8],
        [0.0, 0.9],
      ]),
    ),
    analog(
      '626 probe frequency ',
      mapping(constant('probe.frequency'), 'MHz', [
        [-20.0, -6.078],
        [20.0, 6.0453],
      ]),
    ),
    analog(
      '626 probe power',
      mapping(constant('probe.power'), 'dB', [
        [-44.89, 0.45],
        [-41.03, 0.465],
        [-37.45, 0.48],
        [-32.3, 0.5],
        [-27.65, 0.52],
        [-23.17, 0.535],
        [-19.56, 0.55],
        [-15.25, 0.57],
        [-12.72, 0.58],
        [-8.78, 0.6],
        [-4.77, 0.625],
        [-2.05, 0.65],
        [0.0, 0.7],
      ]),
    ),
    analog(
      '532 lattice power (AOM)',
      mapping(lane('532 lattice \\ power', constant('0')), '', [
        [0.02, 0.5],
        [0.08, 0.55],
        [0.29, 0.6],
        [0.69, 0.65],
        [0.97, 0.7],
        [1.0, 0.725],
      ]),
    ),
    analog(
      'piezos',
      mapping(constant('0 V'), 'V', [
        [0.0, 0.0],
        [75.0, 10.0],
      ]),
    ),
    ...repeatValue(analog('', constant('0 V')), 15),
  ];
}
