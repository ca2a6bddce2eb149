import {
  type TimeLanes,
  type TimedInstruction,
  ConnectionFailedError,
  DigitalTimeLane,
  InProcessTriggerBus,
  Pattern,
  changeTable,
  concatenate,
  repeat,
  stackInstructions,
  withName,
} from '@shotline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelConfiguration } from '../configuration/channel-configuration.js';
import { SequencerHardwareError, SequencerProgramError } from '../sequencer-errors.js';
import { stepTimeLanes, testSequenceContext, testShotContext } from '@shotline/testing';
import { digital, lane } from '../sequencer.test-helper.js';
import {
  type Pulse,
  MAX_PULSE_DURATION,
  compilePulseList,
  decodePulses,
  encodePulses,
} from './pulse-list.js';
import { PulseStreamer } from './pulse-streamer.js';
import { PulseStreamerClient } from './pulse-streamer-client.js';
import { PulseStreamerCompiler } from './pulse-streamer-compiler.js';
import {
  type PulseStreamerConfiguration,
  pulseStreamerConfiguration,
  pulseStreamerConfigurationSchema,
} from './pulse-streamer-configuration.js';
import { PulseStreamerSimulator } from './pulse-streamer-simulator.js';

/** The values the pulses play, as a change table (times in ns, digital masks). */
function pulsesPlay(pulses: readonly Pulse[]): [number[], number[]] {
  const times: number[] = [];
  const masks: number[] = [];
  let t = 0;
  for (const pulse of pulses) {
    if (masks.length === 0 || masks[masks.length - 1] !== pulse.digital) {
      times.push(t);
      masks.push(pulse.digital);
    }
    t += pulse.duration;
  }
  times.push(t);
  return [times, masks];
}

function expectedPlay(sequence: TimedInstruction): [number[], number[]] {
  const table = changeTable(sequence);
  const times = Array.from(table.times);
  const masks = times
    .slice(0, -1)
    .map((_, i) => table.columns.reduce((m, c, f) => m | ((c[i]! !== 0 ? 1 : 0) << f), 0));
  return [times, masks];
}

describe('Pulse Streamer pulse lists', () => {
  it('encode as big-endian >IBhh and decode back', () => {
    const sequence = stackInstructions([
      withName(concatenate(repeat(Pattern.of([true]), 3), Pattern.of([false, true])), 'ch 0'),
      withName(repeat(Pattern.of([false]), 5), 'ch 1'),
    ]);
    const list = compilePulseList(sequence, 100);
    expect(list.count).toBe(3);
    expect(Array.from(list.bytes.slice(0, 9))).toEqual([0, 0, 0, 3, 1, 0, 0, 0, 0]);
    expect(decodePulses(encodePulses(list.bytes))).toEqual([
      { duration: 3, digital: 1, ao0: 0, ao1: 0 },
      { duration: 1, digital: 0, ao0: 0, ao1: 0 },
      { duration: 1, digital: 1, ao0: 0, ao1: 0 },
    ]);
    expect(list.finalDigital).toBe(1);
  });

  it('split a constant longer than 2^32 - 1 ns without an empty pulse', () => {
    for (const ticks of [MAX_PULSE_DURATION, MAX_PULSE_DURATION + 1, 2 * MAX_PULSE_DURATION]) {
      const sequence = withName(
        concatenate(Pattern.of([true]), repeat(Pattern.of([false]), ticks)),
        'ch 0',
      );
      const pulses = decodePulses(encodePulses(compilePulseList(sequence, 100).bytes));
      expect(pulses.every((p) => p.duration > 0 && p.duration <= MAX_PULSE_DURATION)).toBe(true);
      expect(pulsesPlay(pulses)).toEqual(expectedPlay(sequence));
    }
  });

  it('refuse a sequence with more pulses than the instrument holds', () => {
    const sequence = withName(repeat(Pattern.of([true, false]), 1000), 'ch 0');
    expect(() => compilePulseList(sequence, 1999)).toThrow(SequencerProgramError);
    expect(compilePulseList(sequence, 2000).count).toBe(2000);
  });
});

describe('Pulse Streamer configuration', () => {
  it('needs exactly 1 ns, 8 digital channels and a software or external start trigger', () => {
    const base = pulseStreamerConfiguration({ address: '10.0.0.2' });
    const messages = (change: Partial<PulseStreamerConfiguration>): string =>
      pulseStreamerConfigurationSchema
        .safeParse({ ...base, ...change })
        .error?.issues.map((i) => i.message)
        .join('\n') ?? '';
    expect(messages({})).toBe('');
    expect(messages({ timeStep: '2' })).toMatch(
      /longer than the Swabian Pulse Streamer 8\/2 maximum of 1 ns/,
    );
    expect(messages({ channels: base.channels.slice(0, 7) })).toMatch(/has 8 channels/);
    expect(messages({ trigger: { type: 'externalClockOnChange', edge: 'rising' } })).toMatch(
      /cannot be triggered by external clock on change/,
    );
  });
});

describe('Pulse Streamer against its loopback simulator', () => {
  let simulator: PulseStreamerSimulator;
  beforeEach(async () => {
    simulator = await PulseStreamerSimulator.start({ timeScale: 1 });
  });
  afterEach(async () => {
    await simulator.close();
  });

  function compile(
    channels: readonly ChannelConfiguration[],
    lanes: TimeLanes,
    options: Partial<PulseStreamerConfiguration> = {},
  ) {
    const configuration = pulseStreamerConfiguration({
      address: simulator.host,
      port: simulator.port,
      channels,
      ...options,
    });
    const compiler = new PulseStreamerCompiler(
      'swabian',
      configuration,
      testSequenceContext(lanes),
    );
    const parameters = compiler.compileShot(testShotContext(testSequenceContext(lanes)));
    return { compiler, parameters };
  }

  const lanes = stepTimeLanes(['200 ns', '1.5 us', '300 ns'], {
    aom: new DigitalTimeLane([
      [false, 1],
      [true, 1],
      [false, 1],
    ]),
    clock: new DigitalTimeLane([
      [false, 1],
      ['square_wave(t / 100 ns)', 1],
      [true, 1],
    ]),
  });
  const channels = [
    digital('aom', { type: 'Advance', input: lane('aom'), advance: '1.1 us' }),
    digital('clock', lane('clock')),
    digital('shutter', { type: 'BroadenLeft', input: lane('aom'), width: '50 ns' }),
  ];

  it('streams pulses that replay the compiled sequence bit for bit, then starts and waits', async () => {
    const { compiler, parameters } = compile(channels, lanes);
    expect(parameters.sequence.length).toBe(2000 + 1100);
    const device = new PulseStreamer(compiler.initializationParameters());
    await device.open();
    try {
      await device.program(parameters, 0);
      const run = await device.run();
      await run.finished(new AbortController().signal);
      await run.stop();
    } finally {
      await device.close();
    }
    expect(simulator.calls).toEqual([
      'getFirmwareVersion',
      'setTrigger',
      'selectClock',
      'stream',
      'startNow',
      'hasFinished',
      'forceFinal',
    ]);
    const [streamed] = simulator.streams;
    expect(pulsesPlay(streamed!.pulses)).toEqual(expectedPlay(parameters.sequence));
    expect(streamed!.runs).toBe(1);
    expect(streamed!.final).toEqual([0, 0b010, 0, 0]);
    expect(simulator.startMode).toBe(1);
  });

  it('arms for a hardware start and finishes once triggered', async () => {
    const { compiler, parameters } = compile(channels, lanes, {
      trigger: { type: 'externalStart', edge: 'falling' },
    });
    const device = new PulseStreamer(compiler.initializationParameters());
    await device.open();
    try {
      await device.program(parameters, 0);
      const run = await device.run();
      expect(simulator.startMode).toBe(3);
      expect(simulator.hardwareTrigger('rising')).toBe(false);
      setTimeout(() => simulator.hardwareTrigger('falling'), 5);
      await run.finished(new AbortController().signal);
      await run.stop();
    } finally {
      await device.close();
    }
    expect(simulator.calls).not.toContain('startNow');
  });

  it('can be started by a simulated master through the trigger bus', async () => {
    const bus = new InProcessTriggerBus();
    const triggered = await PulseStreamerSimulator.start({
      triggerBus: bus,
      deviceName: 'swabian',
    });
    try {
      const configuration = pulseStreamerConfiguration({
        address: triggered.host,
        port: triggered.port,
        channels,
        trigger: { type: 'externalStart', edge: 'rising' },
      });
      const compiler = new PulseStreamerCompiler(
        'swabian',
        configuration,
        testSequenceContext(lanes),
      );
      const device = new PulseStreamer(compiler.initializationParameters());
      await device.open();
      try {
        await device.program(compiler.compileShot(testShotContext(testSequenceContext(lanes))), 0);
        const run = await device.run();
        bus.publish({ device: 'swabian', time: 0, edge: 'rising', shot: 0 });
        await run.finished(new AbortController().signal);
        await run.stop();
      } finally {
        await device.close();
      }
      expect(triggered.calls).toContain('hasFinished');
      expect(triggered.calls).not.toContain('startNow');
    } finally {
      await triggered.close();
    }
  });

  it('forces the final state when the shot is aborted', async () => {
    const long = stepTimeLanes(['10 s'], { aom: new DigitalTimeLane([[true, 1]]) });
    const { compiler, parameters } = compile([digital('aom', lane('aom'))], long);
    const device = new PulseStreamer(compiler.initializationParameters());
    await device.open();
    try {
      await device.program(parameters, 0);
      const run = await device.run();
      const abort = new AbortController();
      setTimeout(() => abort.abort(new Error('camera failed')), 5);
      await expect(run.finished(abort.signal)).rejects.toThrow('camera failed');
      await run.stop(new Error('camera failed'));
    } finally {
      await device.close();
    }
    expect(simulator.calls[simulator.calls.length - 1]).toBe('forceFinal');
  });

  it('reports what the instrument refuses', async () => {
    const client = new PulseStreamerClient(simulator.url);
    await expect(client.call('stream', 'AAAA', 1, [0, 0, 0, 0])).rejects.toBeInstanceOf(
      SequencerHardwareError,
    );
    await expect(client.call('noSuchMethod')).rejects.toThrow(/method not found/);
  });

  it('fails to open when nothing answers', async () => {
    const { compiler } = compile(channels, lanes);
    await simulator.close();
    const device = new PulseStreamer({
      ...compiler.initializationParameters(),
      requestTimeoutMs: 2000,
    });
    await expect(device.open()).rejects.toBeInstanceOf(ConnectionFailedError);
    await device.close();
    simulator = await PulseStreamerSimulator.start();
  });
});
