// storage-write: shots of 20 parameters + one 512x512 uint16 image (0.5 MiB) stored on SQLite, as the
// engine stores them (asynchronously, up to 8 writes in flight), in a fresh file per run.
//   shots_per_s, mib_per_s           default settings: durability "normal", writer worker
//   *_off, *_full                     durability "off" (no fsync) and "full" (fsync every commit)
//   *_sequential                      awaiting each write before the next (no queueing)
//   *_inline                          writes on the main thread (writer: "inline")
//   blocked_p99_ms_*                  p99 of the time one createShot call blocks the main thread
//   loop_delay_max_ms_*               worst event-loop stall of the main thread while writing: what a
//                                     running shot's timing would suffer (the reason for the worker)
//   *_postgres                        PostgreSQL (SHOTLINE_PG_URL), when set
// Median of RUNS runs each. Usage: npm run bench -- storage-write [shots] [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { NDArray, SequencePath } from '../../packages/core/dist/index.js';
import { openSqliteStorage } from '../../packages/storage-sqlite/dist/index.js';
import { median, report, round } from './lib.mjs';

const SHOTS = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 5);
const WINDOW = 8;
const IMAGE_BYTES = 512 * 512 * 2;
const path = SequencePath.parse('\\bench\\write');

const images = Array.from({ length: 8 }, (_, k) => {
  const values = new Uint16Array(512 * 512);
  for (let i = 0; i < values.length; i++) values[i] = (i * 2654435761 + k) >>> 16;
  return new NDArray('uint16', [512, 512], values);
});

function shot(index) {
  const parameters = {};
  for (let p = 0; p < 20; p++) {
    parameters[`mot.param${p}`] =
      p % 4 === 0 ? { magnitude: index + p, unit: 'MHz' } : index * 0.5 + p;
  }
  const start = new Date();
  return {
    index,
    parameters,
    data: { 'camera\\picture': images[index % images.length] },
    startTime: start,
    endTime: start,
    timing: { camera: { ready: 0.1, finished: 0.2 } },
  };
}

async function prepare(storage) {
  (
    await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: SHOTS })
  ).unwrap();
  (
    await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner: 'bench' })
  ).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
}

async function writeAll(storage, window) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const inFlight = new Set();
  const blocked = [];
  const t0 = performance.now();
  for (let index = 0; index < SHOTS; index++) {
    const input = shot(index);
    const before = performance.now();
    const write = storage.createShot(path, input).then((r) => {
      r.unwrap();
      inFlight.delete(write);
    });
    blocked.push(performance.now() - before);
    inFlight.add(write);
    if (inFlight.size >= window) await Promise.race(inFlight);
    // Let the event loop turn, as the engine's would between shots (timers, device I/O).
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  delay.disable();
  blocked.sort((a, b) => a - b);
  return {
    seconds,
    loopMaxMs: delay.max / 1e6,
    blockedP99Ms: blocked[Math.floor(blocked.length * 0.99)],
  };
}

async function measure(label, open, window = WINDOW) {
  const rates = [];
  const stalls = [];
  const blocking = [];
  for (let run = 0; run < RUNS; run++) {
    const { storage, cleanup } = await open();
    try {
      await prepare(storage);
      const { seconds, loopMaxMs, blockedP99Ms } = await writeAll(storage, window);
      const stored = (await storage.getStats(path)).unwrap().completedShots;
      if (stored !== SHOTS) throw new Error(`${label}: ${stored} of ${SHOTS} shots stored`);
      rates.push(SHOTS / seconds);
      stalls.push(loopMaxMs);
      blocking.push(blockedP99Ms);
    } finally {
      await storage.close();
      await cleanup();
    }
  }
  const shotsPerS = median(rates);
  const figures = {
    shots_per_s: round(shotsPerS, 0),
    mib_per_s: round((shotsPerS * IMAGE_BYTES) / 2 ** 20, 0),
    loop_delay_max_ms: round(median(stalls), 1),
    blocked_p99_ms: round(median(blocking), 3),
  };
  console.log(
    `${label}: ${JSON.stringify(figures)} (runs: ${rates.map((r) => r.toFixed(0)).join(', ')} shots/s)`,
  );
  return figures;
}

function sqlite(options) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shotline-bench-write-'));
    const storage = await openSqliteStorage(join(dir, 'bench.sqlite'), options);
    return { storage, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  };
}

console.log(`storage-write: ${SHOTS} shots of 20 parameters + 512x512 uint16, ${RUNS} runs each`);
const normal = await measure('sqlite normal (worker)', sqlite({ durability: 'normal' }));
const off = await measure('sqlite off (worker)', sqlite({ durability: 'off' }));
const full = await measure('sqlite full (worker)', sqlite({ durability: 'full' }));
const sequential = await measure(
  'sqlite normal, one at a time',
  sqlite({ durability: 'normal' }),
  1,
);
const inline = await measure(
  'sqlite normal (inline)',
  sqlite({ durability: 'normal', writer: 'inline' }),
);

const figures = {
  shots_per_s: normal.shots_per_s,
  mib_per_s: normal.mib_per_s,
  shots_per_s_off: off.shots_per_s,
  mib_per_s_off: off.mib_per_s,
  shots_per_s_full: full.shots_per_s,
  mib_per_s_full: full.mib_per_s,
  shots_per_s_sequential: sequential.shots_per_s,
  shots_per_s_inline: inline.shots_per_s,
  blocked_p99_ms_worker: normal.blocked_p99_ms,
  blocked_p99_ms_inline: inline.blocked_p99_ms,
  loop_delay_max_ms_worker: normal.loop_delay_max_ms,
  loop_delay_max_ms_inline: inline.loop_delay_max_ms,
};

if (process.env.SHOTLINE_PG_URL) {
  const { openPostgresStorage } = await import('../../packages/storage-postgres/dist/index.js');
  const pg = (await import('pg')).default;
  let n = 0;
  const postgres = await measure('postgres', async () => {
    const schema = `bench_write_${process.pid}_${n++}`;
    const storage = await openPostgresStorage(process.env.SHOTLINE_PG_URL, { schema });
    const cleanup = async () => {
      const client = new pg.Client({ connectionString: process.env.SHOTLINE_PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    };
    return { storage, cleanup };
  });
  figures.shots_per_s_postgres = postgres.shots_per_s;
  figures.mib_per_s_postgres = postgres.mib_per_s;
}

report('storage-write', { ...figures, shots: SHOTS, runs: RUNS });
