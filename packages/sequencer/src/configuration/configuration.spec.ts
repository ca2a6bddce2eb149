import { describe, expect, it } from 'vitest';
import { channelConfigurationSchema } from './channel-configuration.js';
import { type ChannelOutput, channelOutputSchema, describeOutput } from './channel-output.js';
import { checkSequencerConfiguration } from './sequencer-configuration.js';
import type { SequencerLimits } from './sequencer-limits.js';
import { formatTimeStep, timeStepPicoseconds, timeStepSchema } from './time-step.js';
import { sequencerTriggerSchema } from './trigger.js';

const everyOutput: ChannelOutput[] = [
  { type: 'LaneValues', lane: 'shutter', default: { type: 'Constant', value: 'Disabled' } },
  { type: 'Constant', value: '2.5 V' },
  { type: 'DeviceTrigger', device: 'camera', default: { type: 'Constant', value: 'Disabled' } },
  { type: 'Advance', input: { type: 'LaneValues', lane: 'aom' }, advance: '1.1 us' },
  { type: 'Delay', input: { type: 'LaneValues', lane: 'aom' }, delay: '200 ns' },
  { type: 'BroadenLeft', input: { type: 'LaneValues', lane: 'shutter' }, width: '2 ms' },
  {
    type: 'CalibratedAnalogMapping',
    input: { type: 'LaneValues', lane: 'power' },
    inputUnit: 'dB',
    outputUnit: 'V',
    points: [
      [-10, 0.1],
      [0, 1],
    ],
  },
  { type: 'Not', input: { type: 'LaneValues', lane: 'a' } },
  {
    type: 'And',
    inputs: [
      { type: 'LaneValues', lane: 'a' },
      { type: 'LaneValues', lane: 'b' },
    ],
  },
  {
    type: 'Or',
    inputs: [
      { type: 'LaneValues', lane: 'a' },
      { type: 'LaneValues', lane: 'b' },
    ],
  },
  {
    type: 'Xor',
    inputs: [
      { type: 'LaneValues', lane: 'a' },
      { type: 'LaneValues', lane: 'b' },
    ],
  },
];

describe('channel outputs as JSON', () => {
  it.each(everyOutput.map((o) => [o.type, o] as const))(
    '%s round-trips through the tagged union on "type"',
    (_type, output) => {
      const parsed = channelOutputSchema.parse(JSON.parse(JSON.stringify(output)));
      expect(parsed).toEqual(output);
      expect(describeOutput(parsed)).toBeTypeOf('string');
    },
  );

  it('refuses the legacy untagged forms', () => {
    expect(channelOutputSchema.safeParse({ lane: 'x', default: 'Disabled' }).success).toBe(false);
    expect(channelOutputSchema.safeParse({ default: { value: 'Disabled' } }).success).toBe(false);
    expect(channelOutputSchema.safeParse('Disabled').success).toBe(false);
  });

  it('refuses unknown keys, bad expressions and bad units with the reason', () => {
    expect(channelOutputSchema.safeParse({ type: 'Constant', value: '1', extra: 1 }).success).toBe(
      false,
    );
    const expression = channelOutputSchema.safeParse({ type: 'Constant', value: '1 +' });
    expect(expression.error?.issues[0]?.message).toMatch(/expression "1 \+"/);
    const unit = channelConfigurationSchema.safeParse({
      type: 'analog',
      description: 'aom',
      outputUnit: 'Vx',
      output: { type: 'Constant', value: '1 V' },
    });
    expect(unit.success).toBe(false);
  });

  it('refuses a calibration with fewer than 2 points or a vertical segment', () => {
    const mapping = (points: [number, number][]): boolean =>
      channelOutputSchema.safeParse({
        type: 'CalibratedAnalogMapping',
        input: { type: 'Constant', value: '1' },
        inputUnit: '',
        outputUnit: 'V',
        points,
      }).success;
    expect(mapping([[0, 1]])).toBe(false);
    expect(
      mapping([
        [1, 1],
        [1, 2],
      ]),
    ).toBe(false);
    expect(
      mapping([
        [1, 1],
        [0, 2],
      ]),
    ).toBe(true);
  });
});

describe('triggers', () => {
  it.each([
    { type: 'software' },
    { type: 'externalStart', edge: 'rising' },
    { type: 'externalClock', edge: 'falling' },
    { type: 'externalClockOnChange', edge: 'both' },
  ])('$type round-trips', (trigger) => {
    expect(sequencerTriggerSchema.parse(JSON.parse(JSON.stringify(trigger)))).toEqual(trigger);
  });

  it('defaults the edge to rising', () => {
    expect(sequencerTriggerSchema.parse({ type: 'externalStart' })).toEqual({
      type: 'externalStart',
      edge: 'rising',
    });
  });
});

describe('time step', () => {
  it('is nanoseconds with picosecond resolution, stored as text', () => {
    expect(timeStepPicoseconds('1.23')).toBe(1230);
    expect(timeStepPicoseconds('50')).toBe(50_000);
    expect(formatTimeStep(1230)).toBe('1.23');
    expect(formatTimeStep(2500)).toBe('2.5');
    expect(formatTimeStep(50_000)).toBe('50');
    expect(timeStepSchema.safeParse('0.0001').success).toBe(false);
    expect(timeStepSchema.safeParse('-1').success).toBe(false);
  });
});

describe('checking a configuration against a model', () => {
  const limits: SequencerLimits = {
    model: 'Test 4',
    channelKinds: ['digital', 'digital', 'digital', 'analog'],
    maxChannels: 4,
    clockCycle: 10_000,
    minimumTimeStep: 50_000,
    triggers: ['software', 'externalStart'],
    triggerEdges: ['rising'],
  };
  const off = { type: 'Constant' as const, value: 'Disabled' };
  const channels = [
    { type: 'digital' as const, description: 'a', output: off },
    { type: 'digital' as const, description: 'b', output: off },
    { type: 'digital' as const, description: 'c', output: off },
    { type: 'analog' as const, description: 'aom', outputUnit: 'V', output: off },
  ];

  it('accepts what the model can do', () => {
    const issues = checkSequencerConfiguration(
      { timeStep: '50', trigger: { type: 'software' }, channels },
      limits,
    );
    expect(issues).toEqual([]);
  });

  it('names the channel count, a channel of the wrong kind, the time step and the trigger', () => {
    const issues = checkSequencerConfiguration(
      {
        timeStep: '55',
        trigger: { type: 'externalClock', edge: 'rising' },
        channels: [channels[0]!, { ...channels[3]!, description: 'shutter' }],
      },
      limits,
    );
    const messages = issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/has 4 channels \(3 digital, 1 analog\), but 2 are configured/);
    expect(messages).toMatch(
      /channel 1 "shutter" is configured as analog, but channel 1 of the Test 4 is digital/,
    );
    expect(messages).toMatch(
      /time step 55 ns is not a multiple of the Test 4 clock period \(10 ns\)/,
    );
    expect(messages).toMatch(/cannot be triggered by external clock/);
    expect(
      checkSequencerConfiguration(
        { timeStep: '40', trigger: { type: 'software' }, channels },
        limits,
      )
        .map((i) => i.message)
        .join(),
    ).toMatch(/shorter than the Test 4 minimum of 50 ns/);
    expect(
      checkSequencerConfiguration(
        { timeStep: '50', trigger: { type: 'externalStart', edge: 'falling' }, channels },
        limits,
      )[0]?.message,
    ).toMatch(/cannot trigger on a falling edge/);
  });
});
