// sequencer-compile: per-shot compile time of a realistic sequencer.
//
// Workload: 200 steps lasting 1 us - 2 ms (deterministic PRNG), a 100 ns time step; 32 channels:
// - 22 digital channels reading digital lanes (random boolean blocks of 1-6 steps; a few blocks are
//   expressions of parameters), one of them through BroadenLeft;
// - 1 digital channel triggering a camera (DeviceTrigger: its trigger is high during 3 picture
//   steps), advanced by 1.1 us; 1 digital channel delayed by 500 ns;
// - 8 analog channels reading analog lanes (constant blocks of parameters, 25 % ramps between
//   them, one time-dependent sine block), one through a calibrated mapping.
// The timed operation is SequencerCompiler.compileShot (evaluate every channel with the global
// advance and delay, check units, stack the 32 channels) for a new shot, as the engine runs it per
// shot. Two scans:
// - median_ms: the scanned parameter x sets values in 2 analog lanes and 1 digital lane (an
//   amplitude/detuning scan): the other lanes are reused from the previous shot;
// - duration_scan_ms: x sets a step duration, so every lane is compiled again (the worst case).
// Figures are medians over RUNS runs of the median shot of each run (wall time; cpu_* is the
// process CPU time of the same shots, less sensitive to a busy machine); pulseblaster_program_ms is
// the value scan for a PulseBlaster (24 digital channels of the same lanes) with its instruction
// table.
import {
  AnalogRamp,
  AnalogTimeLane,
  DigitalTimeLane,
  Parameters,
  Pattern,
  TimeLanes,
  concatenate,
  createSequenceContext,
  createShotContext,
  numberTicks,
  repeat,
} from '../../packages/core/dist/index.js';
import {
  PulseBlasterCompiler,
  SequencerCompiler,
  pulseBlasterConfiguration,
} from '../../packages/sequencer/dist/index.js';
import { median, mulberry32, report, round } from './lib.mjs';

const RUNS = Number(process.env.SHOTLINE_BENCH_RUNS ?? 7);
const SHOTS = 40;
const STEPS = 200;

const random = mulberry32(42);
const pick = (n) => Math.floor(random() * n);

function spans(make) {
  const out = [];
  let step = 0;
  while (step < STEPS) {
    const span = Math.min(STEPS - step, 1 + pick(6));
    out.push([make(out.length, out[out.length - 1]), span]);
    step += span;
  }
  return out;
}

const lanes = {};
for (let i = 0; i < 22; i++) {
  lanes[`digital ${i}`] = new DigitalTimeLane(
    spans(() => (random() < 0.05 ? `square_wave(${i === 4 ? 'x' : 'p'}, 0.5)` : random() < 0.5)),
  );
}
for (let i = 0; i < 8; i++) {
  let sine = i === 3;
  lanes[`analog ${i}`] = new AnalogTimeLane(
    spans((index, previous) => {
      const canRamp = index > 0 && !(previous?.[0] instanceof AnalogRamp);
      if (canRamp && random() < 0.25) return new AnalogRamp();
      if (sine && index > 10) {
        sine = false;
        return '1 V * sin(2 * pi * t / 100 us)';
      }
      return `${(random() * 4).toFixed(2)} V + ${i === 0 || i === 5 ? 'x' : 'p'} * 0.1 V`;
    }),
  );
}
// A ramp must not be last: end every analog lane with a constant block.
for (let i = 0; i < 8; i++) {
  const lane = lanes[`analog ${i}`];
  const blocks = lane.spannedValues();
  const last = blocks[blocks.length - 1];
  if (last[0] instanceof AnalogRamp) {
    blocks[blocks.length - 1] = ['0 V', last[1]];
    lanes[`analog ${i}`] = new AnalogTimeLane(blocks);
  }
}
const durations = Array.from({ length: STEPS }, () => `${(1 + random() * 1999).toFixed(1)} us`);
const timeLanes = new TimeLanes({
  stepNames: durations.map((_, i) => `step ${i}`),
  stepDurations: durations,
  lanes,
});
const durationScan = new TimeLanes({
  stepNames: durations.map((_, i) => `step ${i}`),
  stepDurations: durations.map((d, i) => (i === 100 ? `${d} + x * 1 us` : d)),
  lanes,
});

const sequence = createSequenceContext({ sequencePath: '\\bench', timeLanes });
const durationSequence = createSequenceContext({
  sequencePath: '\\bench',
  timeLanes: durationScan,
});

/** A camera taking pictures during steps 50, 120 and 180. */
const camera = {
  initializationParameters: () => ({}),
  compileShot: () => ({}),
  computeTrigger(timeStep, shot) {
    const s = shot.stepStartTimes;
    const pieces = [];
    let last = 0;
    for (const step of [50, 120, 180]) {
      pieces.push(repeat(Pattern.of([false], 'bool'), numberTicks(s[last], s[step], timeStep)));
      pieces.push(repeat(Pattern.of([true], 'bool'), numberTicks(s[step], s[step + 1], timeStep)));
      last = step + 1;
    }
    pieces.push(repeat(Pattern.of([false], 'bool'), numberTicks(s[last], s[STEPS], timeStep)));
    return concatenate(...pieces);
  },
};

/** The engine's shot context of shot `index` (built outside the timed region). */
function shotContext(index, sequenceOfShot = sequence) {
  return createShotContext(sequenceOfShot, {
    index,
    parameters: Parameters.of({ x: index / SHOTS, p: 0.7 }),
    compilers: new Map([['camera', camera]]),
  });
}

const lane = (name) => ({ type: 'LaneValues', lane: name });
const channels = [
  ...Array.from({ length: 21 }, (_, i) => ({
    type: 'digital',
    description: `digital ${i}`,
    output: lane(`digital ${i}`),
  })),
  {
    type: 'digital',
    description: 'shutter',
    output: { type: 'BroadenLeft', input: lane('digital 21'), width: '3 ms' },
  },
  {
    type: 'digital',
    description: 'camera',
    output: {
      type: 'Advance',
      input: { type: 'DeviceTrigger', device: 'camera' },
      advance: '1.1 us',
    },
  },
  {
    type: 'digital',
    description: 'aom',
    output: { type: 'Delay', input: lane('digital 3'), delay: '500 ns' },
  },
  ...Array.from({ length: 7 }, (_, i) => ({
    type: 'analog',
    description: `analog ${i}`,
    outputUnit: 'V',
    output: lane(`analog ${i}`),
  })),
  {
    type: 'analog',
    description: 'rf',
    outputUnit: 'V',
    output: {
      type: 'CalibratedAnalogMapping',
      input: lane('analog 7'),
      inputUnit: 'V',
      outputUnit: 'V',
      points: [
        [0, 0],
        [1, 0.3],
        [2, 0.8],
        [4, 1],
      ],
    },
  },
];
const limits = {
  model: 'bench sequencer',
  maxChannels: 64,
  clockCycle: 1000,
  minimumTimeStep: 1000,
  triggers: ['software'],
};

function measure(label, compile, sequenceOfShot = sequence) {
  for (let i = 0; i < 5; i++) compile(shotContext(i, sequenceOfShot)); // warm up
  const medians = [];
  const cpuMedians = [];
  let shot = 0;
  for (let run = 0; run < RUNS; run++) {
    const times = [];
    const cpu = [];
    for (let i = 0; i < SHOTS; i++) {
      const context = shotContext(shot++ % SHOTS, sequenceOfShot);
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      compile(context);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    medians.push(median(times));
    cpuMedians.push(median(cpu));
  }
  const m = median(medians);
  const mc = median(cpuMedians);
  console.log(
    `${label}: median ${m.toFixed(3)} ms per shot, CPU ${mc.toFixed(3)} ms ` +
      `(runs: ${medians.map((x) => x.toFixed(3)).join(', ')})`,
  );
  return [m, mc];
}

const compiler = new SequencerCompiler(
  'bench',
  { timeStep: '100', trigger: { type: 'software' }, channels },
  sequence,
  limits,
);
const probe = compiler.compileShot(shotContext(0));
console.log(
  `32 channels x ${STEPS} steps: ${probe.sequence.length} ticks of 100 ns (${(probe.sequence.length / 1e7).toFixed(3)} s), depth ${probe.sequence.depth}`,
);
const [full, fullCpu] = measure('32-channel compile, value scan', (context) =>
  compiler.compileShot(context),
);
const durationCompiler = new SequencerCompiler(
  'bench',
  { timeStep: '100', trigger: { type: 'software' }, channels },
  durationSequence,
  limits,
);
const [cold, coldCpu] = measure(
  '32-channel compile, duration scan',
  (context) => durationCompiler.compileShot(context),
  durationSequence,
);

const pulseBlaster = new PulseBlasterCompiler(
  'pb',
  pulseBlasterConfiguration({
    timeStep: '100',
    channels: channels.slice(0, 24),
    memory: 1 << 20,
  }),
  sequence,
);
const table = pulseBlaster.compileShot(shotContext(0)).program;
console.log(`PulseBlaster: ${table.opcodes.length} instructions`);
const [pb] = measure('PulseBlaster compile + program', (context) =>
  pulseBlaster.compileShot(context),
);

report('sequencer-compile', {
  median_ms: round(full),
  cpu_median_ms: round(fullCpu),
  duration_scan_ms: round(cold),
  cpu_duration_scan_ms: round(coldCpu),
  pulseblaster_program_ms: round(pb),
  channels: 32,
  steps: STEPS,
  runs: RUNS,
});
