// A 1 s shot at a 1 ns time step is 1e9 ticks per channel: compiling and stacking it must never
// materialise them. A worker thread samples the process's resident memory while the shot compiles.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Expression } from '../expression/index.js';
import {
  type TimedInstruction,
  changeTable,
  encodeInstruction,
  extractField,
  mergeInstructions,
} from '../instructions/index.js';
import { Parameters } from '../parameters/index.js';
import {
  AnalogRamp,
  AnalogTimeLane,
  CameraTimeLane,
  DigitalTimeLane,
  TakePicture,
} from '../time-lanes/index.js';
import { numberTicks, stepStartTimes } from '../time/index.js';
import { compileAnalogLane } from './compile-analog-lane.js';
import { compileCameraTrigger } from './compile-camera-lane.js';
import { compileDigitalLane } from './compile-digital-lane.js';

const MB = 2 ** 20;
const NS = 1000;
const MS = 1e9;

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const peak = new Float64Array(workerData.peak);
const control = new Int32Array(workerData.control);
Atomics.store(control, 1, 1);
Atomics.notify(control, 1);
while (Atomics.load(control, 0) === 0) {
  const rss = process.memoryUsage.rss();
  if (rss > peak[0]) peak[0] = rss;
  Atomics.wait(control, 0, 0, 1);
}
`;

/** Runs `f` while a worker samples the RSS every millisecond; returns f's result and the peak. */
async function withPeakRss<T>(f: () => T): Promise<{ result: T; peak: number }> {
  const peak = new SharedArrayBuffer(8);
  const control = new SharedArrayBuffer(8);
  const flags = new Int32Array(control);
  const worker = new Worker(SAMPLER, { eval: true, workerData: { peak, control } });
  try {
    while (Atomics.load(flags, 1) === 0) Atomics.wait(flags, 1, 0, 50);
    const result = f();
    return { result, peak: new Float64Array(peak)[0]! };
  } finally {
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    await worker.terminate();
  }
}

/** Deterministic pseudo-random numbers. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1 s in 10 steps; 32 digital lanes (some square waves), 31 analog lanes, a camera. */
function compileShot(): TimedInstruction {
  const durations = [50, 150, 100, 100, 200, 50, 100, 100, 100, 50].map((ms) => ms * MS);
  const starts = stepStartTimes(durations);
  const rng = random(7);
  const channels: Record<string, TimedInstruction> = {};
  const parameters = Parameters.of({ 'mot.detuning': 1.5, wave: 0.25 });
  for (let c = 0; c < 32; c++) {
    const values = durations.map((_, step) =>
      step % 4 === 1 && c % 3 === 0 ? 'square_wave(t / 1 ms, wave)' : rng() < 0.5,
    );
    channels[`ch ${c}`] = compileDigitalLane(
      DigitalTimeLane.fromValues(values),
      starts,
      NS,
      parameters,
    );
  }
  for (let c = 32; c < 63; c++) {
    const values = durations.map((_, step) => {
      if (step > 0 && step < durations.length - 1 && step % 3 === 1) return new AnalogRamp();
      if (step % 5 === 2) return new Expression('mot.detuning * 1 V + 2 V * t / 100 ms');
      return new Expression(`${(rng() * 10 - 5).toFixed(3)} V`);
    });
    channels[`ch ${c}`] = compileAnalogLane(
      AnalogTimeLane.fromValues(values),
      starts,
      NS,
      parameters,
    ).values;
  }
  channels['ch 63'] = compileCameraTrigger(
    new CameraTimeLane(
      durations.map((_, step) => [step === 6 ? new TakePicture('atoms') : null, 1]),
    ),
    starts,
    NS,
  );
  return mergeInstructions(channels);
}

describe('compiling a 1 s shot at 1 ns', () => {
  it('stays under 50 MB above the baseline (sampled and peak RSS) and is exact', async () => {
    const baseline = process.memoryUsage.rss();
    const maxBefore = process.resourceUsage().maxRSS * 1024;
    const { result: shot, peak } = await withPeakRss(() => {
      const compiled = compileShot();
      // What a driver would do next: per-channel change tables and a transfer to the main thread.
      changeTable(extractField(compiled, 'ch 0'));
      encodeInstruction(compiled);
      return compiled;
    });
    const maxAfter = process.resourceUsage().maxRSS * 1024;
    expect(shot.length).toBe(numberTicks(0, 1e12, NS));
    expect(shot.width).toBe(64);
    expect((peak - baseline) / MB).toBeLessThan(50);
    // The kernel's high-water mark catches spikes between samples, when it moved at all.
    if (maxAfter > maxBefore) expect((maxAfter - baseline) / MB).toBeLessThan(50);
    // Spot checks of exact values, far into the shot.
    expect(shot.at(999_999_999, 'ch 63')).toBe(false);
    expect(shot.at(650 * 1e6, 'ch 63')).toBe(true);
  });
});
