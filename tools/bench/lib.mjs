// Shared helpers for benchmarks: timing, medians, percentiles, the disk's write speed and the
// one-line JSON summary.
import { open, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** Median of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-th percentile (0..100) of numbers, nearest-rank. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

/**
 * A seeded PRNG (mulberry32: uint32 seed, floats in [0, 1)), so every run and machine builds the same
 * workload. The generator of seeded shuffles in core (`iteration/internal/prng.ts`, not exported).
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds taken by `fn` (awaited). */
export async function timeMs(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Rounds to `digits` significant decimals for the summary. */
export function round(x, digits = 3) {
  return Number(x.toFixed(digits));
}

/** Prints the summary line: the last line of every benchmark. */
export function report(name, figures) {
  console.log(JSON.stringify({ bench: name, ...figures, cores: availableParallelism() }));
}

/** Heap used in MiB, after a GC when --expose-gc is on. */
export function heapMb() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * The disk's write speed (MiB/s) where `dir` is, as one stream of shot data meets it: 1 GiB in
 * 4 MiB writes through the page cache with an fdatasync every 64 MiB (what `dd conv=fdatasync`
 * shows). Measured in the same run as the figures it is compared with (`disk_mib_per_s`).
 */
export async function diskWriteSpeed(dir, mib = 1024) {
  const block = Buffer.alloc(4 * 2 ** 20, 0x5a);
  const file = join(dir, `disk-probe-${process.pid}`);
  const handle = await open(file, 'w');
  try {
    const t0 = performance.now();
    for (let written = 1; written <= mib / 4; written++) {
      await handle.write(block);
      if (written % 16 === 0) await handle.datasync();
    }
    await handle.datasync();
    return mib / ((performance.now() - t0) / 1000);
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
}
