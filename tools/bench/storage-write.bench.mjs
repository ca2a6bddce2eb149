// storage-write: shots of 20 parameters + one 512x512 uint16 image (0.5 MiB) stored on SQLite, as the
// engine stores them (asynchronously, up to 8 writes in flight), in a fresh file per run. Images go
// to chunk files beside the database (written once, flushed before their rows commit).
//   disk_mib_per_s                   this disk's write speed, measured in the same run before each
//                                     configuration (one stream through the page cache, fdatasync
//                                     every 64 MiB, as `dd conv=fdatasync`); the median of the probes
//   shots_per_s, mib_per_s, disk_ratio   default settings (durability "normal", writer worker), SHOTS
//                                     shots; disk_ratio = mib_per_s / disk_mib_per_s (the ratio to
//                                     the disk is what compares across machines; each configuration's
//                                     line also shows the ratio to its own probe)
//   *_full                           durability "full" (fsync of every commit)
//   *_sustained, *_full_sustained    the same over SUSTAINED shots (5 GB by default): what the disk
//                                     sustains, far past any cache
//   *_in_database                    images inside the database (arrayChunks: false): every byte is
//                                     written twice (WAL, then database); the design before chunks
//   *_off, *_sequential, *_inline    durability "off"; one write at a time; writes on the main thread
//   writer_wait_ms                   time the writer waited for room in the WAL (checkpointStats)
//   close_ms                         closing after the burst
//   blocked_p99_ms_*                 p99 of the time one createShot call blocks the main thread
//   loop_delay_max_ms_*              worst event-loop stall of the main thread while writing
//   disk_direct_mib_per_s            context: the device with O_DIRECT (dd oflag=direct, 1 GiB)
//   load_avg_start, load_avg_end     1-minute load average around the run (a shared machine skews it)
//   *_postgres                       PostgreSQL (SHOTLINE_PG_URL), when set
// Median of RUNS runs each. Usage:
//   npm run bench -- storage-write [shots] [runs] [sustained shots] [sustained runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { NDArray, SequencePath, currentRunOwner } from '../../packages/core/dist/index.js';
import { openSqliteStorage } from '../../packages/storage-sqlite/dist/index.js';
import { diskWriteSpeed, median, report, round } from './lib.mjs';

const SHOTS = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 5);
const SUSTAINED = Number(process.argv[4] ?? 10_000);
const SUSTAINED_RUNS = Number(process.argv[5] ?? RUNS);
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

async function prepare(storage, shots) {
  (
    await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: shots })
  ).unwrap();
  (
    await storage.setPreparing(path, {
      globals: [],
      deviceConfigurations: [],
      owner: currentRunOwner('bench'),
    })
  ).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
}

async function writeAll(storage, window, shots) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const inFlight = new Set();
  const blocked = [];
  const t0 = performance.now();
  for (let index = 0; index < shots; index++) {
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

/** The disk probes of this run (MiB/s). */
const probes = [];

async function measure(label, open, { window = WINDOW, shots = SHOTS, runs = RUNS } = {}) {
  const probeDir = mkdtempSync(join(tmpdir(), 'shotline-bench-disk-'));
  let disk;
  try {
    disk = await diskWriteSpeed(probeDir);
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
  probes.push(disk);
  const rates = [];
  const stalls = [];
  const blocking = [];
  const waits = [];
  const closing = [];
  for (let run = 0; run < runs; run++) {
    const { storage, cleanup } = await open();
    try {
      await prepare(storage, shots);
      const { seconds, loopMaxMs, blockedP99Ms } = await writeAll(storage, window, shots);
      const stored = (await storage.getStats(path)).unwrap().completedShots;
      if (stored !== shots) throw new Error(`${label}: ${stored} of ${shots} shots stored`);
      rates.push(shots / seconds);
      stalls.push(loopMaxMs);
      blocking.push(blockedP99Ms);
      const checkpoints = await storage.checkpointStats?.();
      if (checkpoints !== undefined) waits.push(checkpoints.writerWaitedMs);
    } finally {
      const t0 = performance.now();
      await storage.close();
      closing.push(performance.now() - t0);
      await cleanup();
    }
  }
  const shotsPerS = median(rates);
  const mibPerS = (shotsPerS * IMAGE_BYTES) / 2 ** 20;
  const figures = {
    shots_per_s: round(shotsPerS, 0),
    mib_per_s: round(mibPerS, 0),
    disk_mib_per_s: round(disk, 0),
    disk_ratio: round(mibPerS / disk, 2),
    loop_delay_max_ms: round(median(stalls), 1),
    blocked_p99_ms: round(median(blocking), 3),
    close_ms: round(median(closing), 0),
    ...(waits.length > 0 ? { writer_wait_ms: round(median(waits), 0) } : {}),
  };
  console.log(
    `${label}: ${JSON.stringify(figures)} (runs: ${rates.map((r) => r.toFixed(0)).join(', ')} shots/s)`,
  );
  return figures;
}

/** The device's own write speed with O_DIRECT (dd), for context; undefined without dd. */
function directWriteSpeed(dir) {
  const target = join(dir, 'direct');
  const dd = spawnSync(
    'dd',
    ['if=/dev/zero', `of=${target}`, 'bs=4M', 'count=256', 'oflag=direct', 'conv=fdatasync'],
    { encoding: 'utf8' },
  );
  rmSync(target, { force: true });
  const seconds = /copied, ([\d.]+) s/.exec(dd.stderr ?? '')?.[1];
  return dd.status === 0 && seconds !== undefined ? 1024 / Number(seconds) : undefined;
}

function sqlite(options) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shotline-bench-write-'));
    const storage = await openSqliteStorage(join(dir, 'bench.sqlite'), options);
    return { storage, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  };
}

console.log(`storage-write: ${SHOTS} shots of 20 parameters + 512x512 uint16, ${RUNS} runs each`);
const loadStart = loadavg()[0];
const normal = await measure('sqlite normal (worker)', sqlite({ durability: 'normal' }));
const full = await measure('sqlite full (worker)', sqlite({ durability: 'full' }));
const inDatabase = await measure(
  'sqlite normal, images in the database',
  sqlite({ durability: 'normal', arrayChunks: false }),
);
const off = await measure('sqlite off (worker)', sqlite({ durability: 'off' }));
const sequential = await measure('sqlite normal, one at a time', sqlite({ durability: 'normal' }), {
  window: 1,
});
const inline = await measure(
  'sqlite normal (inline)',
  sqlite({ durability: 'normal', writer: 'inline' }),
);

// The sustained runs write SUSTAINED images (5 GB by default) per run: check the room first.
const scratch = mkdtempSync(join(tmpdir(), 'shotline-bench-disk-'));
let direct;
let sustained;
let fullSustained;
try {
  const { bavail, bsize } = statfsSync(scratch);
  const needed = 1.2 * SUSTAINED * IMAGE_BYTES + 2 ** 30;
  direct = directWriteSpeed(scratch);
  if (bavail * bsize < needed) {
    console.log(
      `sustained runs skipped: ${tmpdir()} has less than ${(needed / 2 ** 30).toFixed(1)} GiB free`,
    );
  } else {
    const options = { shots: SUSTAINED, runs: SUSTAINED_RUNS };
    sustained = await measure(
      `sqlite normal, ${SUSTAINED} shots`,
      sqlite({ durability: 'normal' }),
      options,
    );
    fullSustained = await measure(
      `sqlite full, ${SUSTAINED} shots`,
      sqlite({ durability: 'full' }),
      options,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// Each ratio against the median of this run's probes: one probe alone varies with the machine's load.
const disk = median(probes);
const ratio = (mibPerS) => round(mibPerS / disk, 2);
const figures = {
  disk_mib_per_s: round(disk, 0),
  shots_per_s: normal.shots_per_s,
  mib_per_s: normal.mib_per_s,
  disk_ratio: ratio(normal.mib_per_s),
  shots_per_s_full: full.shots_per_s,
  mib_per_s_full: full.mib_per_s,
  disk_ratio_full: ratio(full.mib_per_s),
  ...(sustained === undefined
    ? {}
    : {
        shots_per_s_sustained: sustained.shots_per_s,
        mib_per_s_sustained: sustained.mib_per_s,
        disk_ratio_sustained: ratio(sustained.mib_per_s),
        shots_per_s_full_sustained: fullSustained.shots_per_s,
        mib_per_s_full_sustained: fullSustained.mib_per_s,
        disk_ratio_full_sustained: ratio(fullSustained.mib_per_s),
      }),
  shots_per_s_in_database: inDatabase.shots_per_s,
  mib_per_s_in_database: inDatabase.mib_per_s,
  disk_ratio_in_database: ratio(inDatabase.mib_per_s),
  disk_probes_mib_per_s: probes.map((p) => round(p, 0)),
  ...(direct === undefined ? {} : { disk_direct_mib_per_s: round(direct, 0) }),
  shots_per_s_off: off.shots_per_s,
  mib_per_s_off: off.mib_per_s,
  shots_per_s_sequential: sequential.shots_per_s,
  shots_per_s_inline: inline.shots_per_s,
  writer_wait_ms: normal.writer_wait_ms,
  close_ms: normal.close_ms,
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

figures.load_avg_start = round(loadStart, 2);
figures.load_avg_end = round(loadavg()[0], 2);
report('storage-write', { ...figures, shots: SHOTS, sustained_shots: SUSTAINED, runs: RUNS });
