// Shot pipeline throughput and per-shot overhead: 10,000 shots, 8 simulated zero-latency devices (one
// producing a 64x64 uint16 image per shot), in-memory storage, run through ExperimentManager /
// Procedure with the default compile pool. Figures are medians over the runs:
//   shots_per_s      shots / time spent RUNNING (first shot started -> last shot stored)
//   overhead_p50_ms  per-shot period (start of shot n -> start of shot n+1): with zero-latency
//   overhead_p99_ms  devices this is all framework time (compile hand-off, barrier, data, storage)
//   heap_start_mb    heap used after shot 100 (warm), after a GC
//   heap_end_mb      heap used after the last shot, after a GC (the in-memory storage keeps the
//                    shots; heap_retained_by_storage_mb is what resetting the sequence frees)
import {
  ExperimentManager,
  ArangeLoop,
  ExecuteShot,
  IterationConfiguration,
  TimeLanes,
} from '../../packages/core/dist/index.js';
import { createSimulatedLab } from '../../packages/testing/dist/index.js';
import { heapMb, median, percentile, report, round } from './lib.mjs';

const SHOTS = Number(process.env.SHOTS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 5);
// Default pool: min(4, cores - 1) workers; COMPILE_WORKERS=0 compiles on the main thread.
const pipeline =
  process.env.COMPILE_WORKERS === undefined
    ? {}
    : { compileWorkers: Number(process.env.COMPILE_WORKERS) };

async function once() {
  const devices = [
    {
      name: 'camera',
      type: 'shotline.testing.data-producer',
      configuration: { width: 64, height: 64 },
    },
    ...Array.from({ length: 7 }, (_, i) => ({
      name: `dev${i}`,
      type: 'shotline.testing.noop',
      configuration: {},
    })),
  ];
  const lab = await createSimulatedLab({ devices, record: false });
  await lab.session.createSequence('\\bench', {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(SHOTS),
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['run'], stepDurations: ['1 us'] }),
  });
  const manager = await ExperimentManager.create({
    storage: lab.storage,
    registry: lab.registry,
    events: lab.events,
    pipeline,
  });
  const starts = new Float64Array(SHOTS);
  let firstStart = 0;
  let lastStored = 0;
  let heapStart = 0;
  let heapEnd = 0;
  lab.events.on('shot-started', (e) => {
    starts[e.index] = performance.now();
    if (e.index === 0) firstStart = starts[0];
  });
  lab.events.on('shot-stored', (e) => {
    if (e.index === 100) heapStart = heapMb();
    if (e.storedShots === SHOTS) {
      lastStored = performance.now();
      heapEnd = heapMb();
    }
  });
  await manager.createProcedure('bench').run((p) => p.runSequence('\\bench'));
  const state = await lab.session.state('\\bench');
  if (state !== 'finished') throw new Error(`sequence ended ${state}`);
  const periods = [];
  for (let i = 1; i < SHOTS; i++) periods.push(starts[i] - starts[i - 1]);
  await lab.session.resetToDraft('\\bench');
  const afterReset = heapMb();
  return {
    shotsPerS: SHOTS / ((lastStored - firstStart) / 1000),
    p50: percentile(periods, 50),
    p99: percentile(periods, 99),
    heapStart,
    heapEnd,
    retained: heapEnd - afterReset,
  };
}

const results = [];
for (let r = 0; r < RUNS; r++) {
  const result = await once();
  results.push(result);
  console.log(
    `run ${r + 1}: ${round(result.shotsPerS, 0)} shots/s, period p50 ${round(result.p50)} ms, p99 ${round(result.p99)} ms, ` +
      `heap ${round(result.heapStart, 1)} -> ${round(result.heapEnd, 1)} MiB (storage keeps ${round(result.retained, 1)} MiB)`,
  );
}
const pick = (key) => median(results.map((r) => r[key]));
report('shot-pipeline', {
  shots_per_s: round(pick('shotsPerS'), 0),
  overhead_p50_ms: round(pick('p50')),
  overhead_p99_ms: round(pick('p99')),
  heap_start_mb: round(pick('heapStart'), 1),
  heap_end_mb: round(pick('heapEnd'), 1),
  heap_retained_by_storage_mb: round(pick('retained'), 1),
  shots: SHOTS,
  runs: RUNS,
});
