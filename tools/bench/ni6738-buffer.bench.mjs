// ni6738-buffer: compile time of an NI 6738 shot buffer (the samples the card plays, checked).
//
// Workload: a 0.5 s shot at the card's 2.5 µs time step (200,000 ticks) on its 32 analog channels,
// each 100 blocks of 5 ms (values from a seeded PRNG within ±10 V): on 8 channels (coils, AOM
// powers) one block in ten is a ramp, the other channels hold constants that change in one block in
// ten; stacked into one instruction as the sequencer compiler gives it.
// The timed operation is compileNi6738Program (flatten every channel into the GroupByChannel buffer
// DAQmxWriteAnalogF64 takes, checking every value finite and within ±10 V), for both clockings:
// - on_change_ms: clocked on change (one sample per ramp tick, one per constant block);
// - every_tick_ms: clocked every tick (200,000 samples x 32 channels, 51 MB).
// Figures are medians over RUNS runs (wall time).
import {
  Pattern,
  concatenate,
  createRamp,
  mergeInstructions,
  repeat,
} from '../../packages/core/dist/index.js';
import { compileNi6738Program } from '../../packages/ni-daqmx/dist/index.js';
import { median, mulberry32, report, round, timeMs } from './lib.mjs';

const RUNS = Number(process.env.SHOTLINE_BENCH_RUNS ?? 7);
const BLOCKS = 100;
const BLOCK_TICKS = 2000;
const random = mulberry32(6738);
const volts = () => round(random() * 20 - 10, 4);

const channels = {};
for (let c = 0; c < 32; c++) {
  const blocks = [];
  let last = volts();
  for (let b = 0; b < BLOCKS; b++) {
    const next = random() < 0.1 ? volts() : last;
    blocks.push(
      c < 8 && random() < 0.1
        ? createRamp(last, next, BLOCK_TICKS)
        : repeat(Pattern.of([next]), BLOCK_TICKS),
    );
    last = next;
  }
  channels[`ch ${c}`] = concatenate(...blocks);
}
const sequence = mergeInstructions(channels);
const names = Array.from({ length: 32 }, (_, i) => ({ description: `ao${i}` }));

const figures = {};
for (const [key, clocking] of [
  ['on_change', 'onChange'],
  ['every_tick', 'everyTick'],
]) {
  const times = [];
  let samples = 0;
  for (let run = 0; run < RUNS; run++) {
    times.push(
      await timeMs(() => {
        samples = compileNi6738Program(sequence, 2_500_000, clocking, names).samplesPerChannel;
      }),
    );
  }
  figures[`${key}_ms`] = round(median(times), 2);
  figures[`${key}_samples`] = samples;
  console.error(
    `${clocking}: ${samples} samples per channel, median ${median(times).toFixed(2)} ms`,
  );
}
report('ni6738-buffer', { ...figures, ticks: sequence.length, channels: 32, runs: RUNS });
