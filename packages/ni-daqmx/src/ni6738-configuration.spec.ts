import { describe, expect, it } from 'vitest';
import {
  NI6738_CHANNELS,
  ni6738Configuration,
  ni6738ConfigurationSchema,
  paddedNi6738Channels,
} from './ni6738-configuration.js';
import { constant, volts } from './ni6738.test-helper.js';

/** The messages of a configuration the schema refuses, with their paths. */
function problems(configuration: unknown): string[] {
  const result = ni6738ConfigurationSchema.safeParse(configuration);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const valid = { channels: paddedNi6738Channels() };

describe('the NI 6738 configuration', () => {
  it('defaults to the trigger the card supports (not a software trigger), 2.5 µs, Dev1 and PFI0', () => {
    const configuration = ni6738Configuration();
    expect(configuration.trigger).toEqual({ type: 'externalClockOnChange', edge: 'rising' });
    expect(configuration).toMatchObject({
      timeStep: '2500',
      deviceId: 'Dev1',
      clockTerminal: 'PFI0',
      writeTimeout: 10,
    });
    expect(configuration.channels).toHaveLength(NI6738_CHANNELS);
    expect(problems(configuration)).toEqual([]);
  });

  it('accepts both external clocks on a rising or falling edge', () => {
    for (const type of ['externalClock', 'externalClockOnChange'] as const) {
      for (const edge of ['rising', 'falling'] as const) {
        expect(problems({ ...valid, trigger: { type, edge } })).toEqual([]);
      }
    }
  });

  it('refuses a time step below 2.5 µs, naming the limit', () => {
    expect(problems({ ...valid, timeStep: '2499.999' })).toEqual([
      'timeStep: the time step 2499.999 ns is shorter than the NI 6738 minimum of 2500 ns',
    ]);
    expect(problems({ ...valid, timeStep: '2500' })).toEqual([]);
    expect(problems({ ...valid, timeStep: '3000' })).toEqual([]);
  });

  it('refuses any trigger but an external clock, and a clock on both edges', () => {
    expect(problems({ ...valid, trigger: { type: 'software' } })).toEqual([
      'trigger: the NI 6738 cannot be triggered by software (it supports externalClock, externalClockOnChange)',
    ]);
    expect(problems({ ...valid, trigger: { type: 'externalStart', edge: 'rising' } })).toHaveLength(
      1,
    );
    expect(problems({ ...valid, trigger: { type: 'externalClock', edge: 'both' } })).toEqual([
      'trigger.edge: the NI 6738 cannot trigger on a both edge (it supports rising, falling)',
    ]);
  });

  it('refuses a channel in another unit than volts, naming the channel', () => {
    const channels = paddedNi6738Channels([volts('coil', constant('1 V'))]);
    channels[3] = {
      type: 'analog',
      description: 'AOM',
      outputUnit: 'mV',
      output: constant('1 mV'),
    };
    expect(problems({ channels })).toEqual([
      'channels.3.outputUnit: channel 3 "AOM" of the NI 6738 outputs "mV", but the card outputs ' +
        'volts: set outputUnit to "V" (map other quantities to volts with a CalibratedAnalogMapping output)',
    ]);
  });

  it('refuses another channel count and digital channels', () => {
    expect(problems({ channels: paddedNi6738Channels().slice(0, 31) })).toEqual([
      'channels: the NI 6738 has 32 channels (32 analog), but 31 are configured',
    ]);
    const channels = paddedNi6738Channels();
    channels[5] = { type: 'digital', description: 'shutter', output: constant('Enabled') };
    expect(problems({ channels })).toEqual([
      'channels.5.type: channel 5 "shutter" is configured as digital, but channel 5 of the NI 6738 is analog',
    ]);
  });

  it('refuses a malformed device name or clock terminal', () => {
    expect(problems({ ...valid, deviceId: 'Dev 1' })).toEqual([
      'deviceId: an NI-DAQmx device name such as "Dev1"',
    ]);
    expect(problems({ ...valid, clockTerminal: 'PFI16' })).toEqual([
      'clockTerminal: a PFI terminal of the card: PFI0 to PFI15',
    ]);
    expect(problems({ ...valid, unknown: 1 })).toHaveLength(1);
  });

  it('keeps its JSON form unchanged (what storage does to it)', () => {
    const configuration = ni6738Configuration({ channels: [volts('coil', constant('2 V'))] });
    const json = JSON.parse(JSON.stringify(configuration)) as unknown;
    expect(ni6738ConfigurationSchema.parse(json)).toEqual(configuration);
  });
});
