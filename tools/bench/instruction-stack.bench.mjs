// instruction-stack: time to stack per-channel instructions into one multi-channel instruction.
//
// Workload (comparable with the reference implementation): a 10 ns time step; each step lasts a
// random 100-100,000 ticks (1 us - 1 ms); each channel is a run of blocks, each block spanning
// 1-8 consecutive steps chosen at random per channel (so block boundaries differ between
// channels). Two kinds, measured separately, the figure being the worse of the two:
// - digital: every block a random constant boolean (constantInstruction: Repeated(ticks, [b]));
// - analog: random constants, 30 % of the blocks linear ramps between random values.
// The timed operation is mergeInstructions({ 'ch 0': ..., 'ch 63': ... }); building the channels
// is reported separately (median of BUILDS builds). Stacking figures are medians over RUNS
// stackings of the last built workload, after WARMUP untimed ones; the machine is often shared, so
// the process CPU time of the stacking is reported too (cpu_*). peak_mb is the process's peak RSS
// above its RSS at start.
import {
  concatenate,
  createRamp,
  mergeInstructions,
  constantInstruction,
} from '../../packages/core/dist/index.js';
import { median, mulberry32, report, round, timeMs } from './lib.mjs';

const RUNS = Number(process.env.SHOTLINE_BENCH_RUNS ?? 9);
const WARMUP = 5;
const BUILDS = 3;

/** Step start ticks (steps + 1 values) for random step durations of 100-100,000 ticks. */
function stepStarts(steps, random) {
  const starts = [0];
  for (let i = 0; i < steps; i++) starts.push(starts[i] + 100 + Math.floor(random() * 99_901));
  return starts;
}

function buildChannel(kind, starts, random) {
  const steps = starts.length - 1;
  const blocks = [];
  for (let s = 0; s < steps;) {
    const e = Math.min(steps, s + 1 + Math.floor(random() * 8));
    const ticks = starts[e] - starts[s];
    if (kind === 'digital') {
      blocks.push(constantInstruction(random() < 0.5, ticks));
    } else if (random() < 0.3) {
      blocks.push(createRamp(random() * 10 - 5, random() * 10 - 5, ticks));
    } else {
      blocks.push(constantInstruction(random() * 10 - 5, ticks));
    }
    s = e;
  }
  return concatenate(...blocks);
}

function buildChannels(kind, channels, steps, seed) {
  const random = mulberry32(seed);
  const starts = stepStarts(steps, random);
  const named = {};
  for (let c = 0; c < channels; c++) named[`ch ${c}`] = buildChannel(kind, starts, random);
  return named;
}

async function measure(kind, channels, steps) {
  // Building: timed over BUILDS fresh workloads; the last one is stacked.
  const build = [];
  let named;
  for (let b = 0; b < BUILDS; b++) {
    build.push(
      await timeMs(() => {
        named = buildChannels(kind, channels, steps, 1000 + b);
      }),
    );
  }
  const stack = [];
  const cpu = [];
  let segments = 0;
  for (let run = 0; run < WARMUP + RUNS; run++) {
    let stacked;
    const cpuBefore = process.cpuUsage();
    const stackTime = await timeMs(() => {
      stacked = mergeInstructions(named);
    });
    const cpuUsed = process.cpuUsage(cpuBefore);
    if (run >= WARMUP) {
      stack.push(stackTime);
      cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
    }
    segments = stacked.kind === 'concatenated' ? stacked.instructions.length : 1;
  }
  const result = { build: median(build), stack: median(stack), cpu: median(cpu), segments };
  console.log(
    `${kind} ${channels}x${steps}: stack median ${result.stack.toFixed(2)} ms ` +
      `(min ${Math.min(...stack).toFixed(2)}, max ${Math.max(...stack).toFixed(2)}, ` +
      `cpu median ${result.cpu.toFixed(2)} ms), ` +
      `build median ${result.build.toFixed(2)} ms, ${segments} output segments`,
  );
  return result;
}

const rssStart = process.memoryUsage().rss;
const figures = {};
for (const [channels, steps] of [
  [32, 1000],
  [64, 10000],
]) {
  const digital = await measure('digital', channels, steps);
  const analog = await measure('analog', channels, steps);
  const key = `${channels}x${steps}`;
  figures[`median_ms_${key}`] = round(Math.max(digital.stack, analog.stack));
  figures[`digital_median_ms_${key}`] = round(digital.stack);
  figures[`analog_median_ms_${key}`] = round(analog.stack);
  figures[`cpu_median_ms_${key}`] = round(Math.max(digital.cpu, analog.cpu));
  figures[`build_digital_median_ms_${key}`] = round(digital.build);
  figures[`build_analog_median_ms_${key}`] = round(analog.build);
}
const peakRss = process.resourceUsage().maxRSS * 1024;
figures.peak_mb = round((peakRss - rssStart) / 2 ** 20, 1);
figures.peak_rss_mb = round(peakRss / 2 ** 20, 1);
figures.runs = RUNS;
report('instruction-stack', figures);
