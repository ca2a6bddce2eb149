import {
  PulseBlasterCompiler,
  playPulseBlasterProgram,
  pulseBlasterConfiguration,
} from '@shotline/sequencer';
import { testSequenceContext, testShotContext } from '@shotline/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeDaqmx } from './fake-daqmx.test-helper.js';
import { Ni6738 } from './ni6738.js';
import { Ni6738Compiler } from './ni6738-compiler.js';
import { ni6738Configuration } from './ni6738-configuration.js';
import { expectedBuffer, sameBits } from './ni6738.test-helper.js';
import {
  TEST_0_DURATION,
  TEST_0_SHOT,
  test0Globals,
  test0Iteration,
  test0Ni6738Channels,
  test0PulseBlasterChannels,
  test0TimeLanes,
} from './test-0-sequence.test-helper.js';

// The reference system's timing regression (`test_0`): shot 22 of a real lab's scan, compiled by
// shotline's generic sequencer compiler for a PulseBlaster at 50 ns clocking an NI 6738 at 3 µs on
// change, then written to the card through the fake NI-DAQmx.

function compileShot22() {
  const fake = new FakeDaqmx();
  const constants = test0Globals().evaluate();
  const iteration = test0Iteration();
  const pulseBlaster = pulseBlasterConfiguration({
    timeStep: '50',
    channels: test0PulseBlasterChannels(),
  });
  const ni = ni6738Configuration({
    timeStep: '3000',
    trigger: { type: 'externalClockOnChange', edge: 'rising' },
    channels: test0Ni6738Channels(),
    libraryPath: fake.path,
  });
  const sequence = testSequenceContext(test0TimeLanes(), {
    sequencePath: '\\test_0',
    parameterSchema: iteration.parameterSchema(constants),
    devices: [
      { name: 'Spincore', type: 'shotline.sequencer.pulseblaster', configuration: pulseBlaster },
      { name: 'NI6738', type: 'shotline.ni-daqmx.ni6738', configuration: ni },
    ],
  });
  const niCompiler = new Ni6738Compiler('NI6738', ni, sequence);
  const pbCompiler = new PulseBlasterCompiler('Spincore', pulseBlaster, sequence);
  const shots = [...iteration.walk(constants)];
  const shot = testShotContext(sequence, {
    index: TEST_0_SHOT,
    parameters: shots[TEST_0_SHOT],
    compilers: { NI6738: niCompiler, Spincore: pbCompiler },
  });
  return {
    fake,
    shot,
    shots,
    niInit: niCompiler.initializationParameters(),
    niShot: niCompiler.compileShot(shot),
    pbShot: pbCompiler.compileShot(shot),
  };
}

describe('the reference timing regression test_0, shot 22', () => {
  let compiled: ReturnType<typeof compileShot22>;
  beforeAll(() => {
    compiled = compileShot22();
  }, 120_000);

  it('lasts exactly 0.47811 s: 159,370 NI 6738 ticks and 9,562,200 PulseBlaster ticks', () => {
    const { shot, shots, niShot, pbShot } = compiled;
    expect(shots).toHaveLength(380);
    expect(shot.shotDuration).toBe(TEST_0_DURATION);
    expect(niShot.sequence.length).toBe(159_370);
    expect(niShot.shotTicks).toBe(159_370);
    expect(niShot.program.samplesPerChannel).toBe(72_343);
    expect(pbShot.sequence.length).toBe(9_562_200);
  });

  it('gives the card one sample per clock edge of the PulseBlaster, at the instruction value there', () => {
    const { niShot, pbShot } = compiled;
    const { program } = niShot;
    // The edges the PulseBlaster outputs on channel 0, played from its instruction table.
    const edges: number[] = [];
    let tick = 0;
    let high = false;
    playPulseBlasterProgram(pbShot.program, (flags, lengthNs) => {
      const now = (flags & 1) === 1;
      if (now && !high) edges.push(tick);
      high = now;
      tick += lengthNs / 50;
    });
    expect(tick).toBe(9_562_200);
    expect(edges).toHaveLength(program.samplesPerChannel);
    // Each edge falls on an NI tick (60 master ticks); the card outputs that tick's values.
    const n = program.samplesPerChannel;
    const fromEdges = new Float64Array(32 * n);
    edges.forEach((edge, k) => {
      expect(edge % 60).toBe(0);
      for (let f = 0; f < 32; f++) fromEdges[f * n + k] = niShot.sequence.numberAt(edge / 60, f);
    });
    expect(sameBits(program.samples, fromEdges)).toBe(true);
    expect(sameBits(program.samples, expectedBuffer(niShot.sequence, 'onChange'))).toBe(true);
  });

  it('is written through NI-DAQmx with exactly the samples the generic compiler produces', async () => {
    const { fake, niInit, niShot } = compiled;
    fake.reset();
    const card = new Ni6738(niInit);
    await card.open();
    let timing: ReturnType<FakeDaqmx['timing']>;
    let written: Float64Array | undefined;
    try {
      await card.program(niShot, TEST_0_SHOT);
      timing = fake.timing();
      written = fake.written(32);
    } finally {
      await card.close();
    }
    const { program } = niShot;
    expect(timing).toMatchObject({
      source: '/Dev1/PFI0',
      rate: 1e12 / 3_000_000,
      samples: program.samplesPerChannel,
      filterWidth: 3e-6 / 8,
    });
    expect(written!.length).toBe(32 * program.samplesPerChannel);
    expect(sameBits(written!, expectedBuffer(niShot.sequence, 'onChange'))).toBe(true);
  });
});
