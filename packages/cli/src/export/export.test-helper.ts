import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  NDArray,
  SequencePath,
  type SessionStorage,
  currentRunOwner,
  sequenceResource,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';

// Sequences with pictures for the export tests, written straight into a lab's SQLite storage, and
// the outside readers (Debian's Python) that check the exported files.

/** The picture of shot `index`: 96×400 uint16 (75 KiB, so it lives in a chunk file). */
export function picture(index: number): NDArray<'uint16'> {
  const values = new Uint16Array(96 * 400);
  for (let i = 0; i < values.length; i++) values[i] = (index * 7919 + i * 13) & 0xffff;
  return new NDArray('uint16', [96, 400], values);
}

/** A short float32 trace of shot `index`. */
export function trace(index: number): NDArray<'float32'> {
  return new NDArray(
    'float32',
    [16],
    Float32Array.from({ length: 16 }, (_, k) => index + k / 16),
  );
}

/** The parameters of shot `index`: a quantity, an int, a float, a bool and a string. */
export function parameters(index: number) {
  return {
    'mot.detuning': { magnitude: index / 10 - 2, unit: 'MHz' },
    rep: index % 3,
    power: 1.5 * index + 0.25,
    'probe.on': index % 2 === 0,
    note: `shot ${index}`,
  };
}

/** Opens the SQLite storage of a lab made by `shotline init`. */
export function labStorage(lab: string): Promise<SessionStorage> {
  return openSqliteStorage(join(lab, 'shotline.sqlite'));
}

/**
 * Creates a RUNNING sequence whose run lock `storage` holds until it closes, as a real run does (so
 * that a command opening the lab meanwhile sees a live run, not a stale one to recover).
 */
export async function startSequence(storage: SessionStorage, path: string): Promise<SequencePath> {
  const p = SequencePath.parse(path);
  const owner = currentRunOwner('test');
  (await storage.acquireLocks({ resources: [sequenceResource(p)], holder: owner })).unwrap();
  (await storage.createSequence(p, { iteration: [], timeLanes: {}, expectedShots: null })).unwrap();
  (await storage.setPreparing(p, { globals: [], deviceConfigurations: [], owner })).unwrap();
  (await storage.setRunning(p, new Date())).unwrap();
  return p;
}

/** Stores shot `index` with its parameters, picture, trace and counts. */
export async function storeShot(
  storage: SessionStorage,
  path: SequencePath,
  index: number,
): Promise<void> {
  (
    await storage.createShot(path, {
      index,
      parameters: parameters(index),
      data: { 'cam\\picture': picture(index), 'cam\\counts': index * 10, trace: trace(index) },
      startTime: new Date(1_700_000_000_000 + index * 1000),
      endTime: new Date(1_700_000_000_250 + index * 1000),
      timing: null,
    })
  ).unwrap();
}

/** Writes a finished sequence of `shots` shots. */
export async function writeSequence(lab: string, path: string, shots: number): Promise<void> {
  const storage = await labStorage(lab);
  try {
    const p = await startSequence(storage, path);
    for (let i = 0; i < shots; i++) await storeShot(storage, p, i);
    (await storage.setFinished(p, new Date())).unwrap();
  } finally {
    await storage.close();
  }
}

/**
 * Writes what a sequence holds, read back through the storage, for an outside reader to compare
 * with: `<stem>.json` (per shot: index, times, parameters, counts) and `<stem>-<label>.bin`
 * (every shot's array bytes, in shot order).
 */
export async function writeReference(lab: string, path: string, stem: string): Promise<void> {
  const storage = await labStorage(lab);
  try {
    const p = SequencePath.parse(path);
    const shots = [];
    const pictures: Uint8Array[] = [];
    const traces: Uint8Array[] = [];
    for (const index of (await storage.shotIndices(p)).unwrap()) {
      const shot = (await storage.getShot(p, index)).unwrap();
      const data = (await storage.getAllShotData(p, index)).unwrap();
      const bytes = (a: NDArray) =>
        new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
      pictures.push(bytes(data['cam\\picture'] as NDArray));
      traces.push(bytes(data.trace as NDArray));
      shots.push({
        index,
        start_ms: shot.startTime.getTime(),
        end_ms: shot.endTime.getTime(),
        parameters: shot.parameters,
        counts: data['cam\\counts'],
      });
    }
    writeFileSync(`${stem}.json`, JSON.stringify({ shots }));
    writeFileSync(`${stem}-picture.bin`, Buffer.concat(pictures));
    writeFileSync(`${stem}-trace.bin`, Buffer.concat(traces));
  } finally {
    await storage.close();
  }
}

/** Debian's own Python (not a pyenv or venv one), with its python3-h5py and python3-numpy. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Why Debian's h5py and numpy cannot be used here, or undefined when they can. */
export function missingDebianPython(): string | undefined {
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `${DEBIAN_PYTHON} cannot import h5py and numpy (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}): apt-get install python3-h5py python3-numpy (.ci/run does)`;
}

/** Runs a Python checker of test-fixtures/ with Debian's Python; returns its output. */
export function runPython(
  script: string,
  args: string[],
): { status: number | null; output: string } {
  const file = join(import.meta.dirname, '..', '..', 'test-fixtures', script);
  const run = spawnSync(DEBIAN_PYTHON, [file, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
