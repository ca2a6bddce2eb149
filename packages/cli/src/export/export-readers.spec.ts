import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';
import {
  missingDebianPython,
  parameters,
  picture,
  runPython,
  trace,
  writeReference,
  writeSequence,
} from './export.test-helper.js';

// Every export read back by readers shotline did not write: Debian's h5py and numpy (HDF5, .npy),
// nodejs-polars (Arrow, Parquet) and DuckDB (Parquet), on a 50-shot sequence whose pictures live in
// chunk files, each checked against the values stored.

const SHOTS = 50;

/** Runs one query on an in-memory DuckDB and returns its rows as JS values. */
async function duckdbRows(sql: string): Promise<Record<string, unknown>[]> {
  const duckdb = await DuckDBInstance.create(':memory:');
  const connection = await duckdb.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    connection.closeSync();
    duckdb.closeSync();
  }
}
const noPython = missingDebianPython();
// CI installs Debian's packages (.ci/run) and must run these; elsewhere they may be missing.
const skipPython = noPython !== undefined && !process.env.CI;
if (skipPython) console.warn(`skipping the Debian Python reader tests: ${noPython}`);

describe('exports read by outside readers', { timeout: 180_000 }, () => {
  let lab: TempLab;
  let reference: string;
  beforeAll(async () => {
    lab = await tempLab();
    await writeSequence(lab.lab, '\\readers\\scan', SHOTS);
    reference = join(lab.dir, 'reference');
    await writeReference(lab.lab, '\\readers\\scan', reference);
  }, 180_000);
  afterAll(() => lab?.dispose());

  const exportTo = async (file: string, ...options: string[]) => {
    const out = join(lab.dir, file);
    const result = await lab.run(['export', 'readers\\scan', ...options, '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return out;
  };

  it.skipIf(skipPython)(
    "HDF5: Debian's h5py finds every parameter and every picture as stored",
    async () => {
      const file = await exportTo('scan.h5', '--format', 'hdf5');
      const check = runPython('check_hdf5.py', [file, reference]);
      expect(check.output.trim()).toBe(`ok ${SHOTS}`);
      expect(check.status).toBe(0);
    },
  );

  it.skipIf(skipPython)(
    "CSV with --arrays files: Debian's numpy loads every .npy file the CSV points to",
    async () => {
      const file = await exportTo('scan.csv', '--format', 'csv', '--arrays', 'files');
      const check = runPython('check_npy.py', [file, reference]);
      expect(check.output.trim()).toBe(`ok ${SHOTS}`);
      expect(check.status).toBe(0);
    },
  );

  it('Arrow: nodejs-polars reads the scalar and array columns as stored', async () => {
    const file = await exportTo('scan.arrow', '--format', 'arrow');
    // nodejs-polars' readIPC takes a path only for a ".ipc" name; a buffer always works.
    const frame = pl.readIPC(readFileSync(file));
    expect(frame.height).toBe(SHOTS);
    expect(frame.columns).toEqual([
      'shot',
      'start_time',
      'end_time',
      'mot.detuning [MHz]',
      'rep',
      'power',
      'probe.on',
      'note',
      'cam\\counts',
      'cam\\picture',
      'trace',
    ]);
    expect(String(frame.getColumn('cam\\picture').dtype)).toBe(
      'DataType(FixedSizeList(DataType(UInt16),38400))',
    );
    const pictures = frame.getColumn('cam\\picture').toArray() as unknown as number[][];
    const traces = frame.getColumn('trace').toArray() as unknown as number[][];
    const detuning = frame.getColumn('mot.detuning [MHz]').toArray();
    const notes = frame.getColumn('note').toArray();
    for (let i = 0; i < SHOTS; i++) {
      expect(pictures[i], `picture ${i}`).toEqual([...picture(i).data]);
      expect(traces[i]).toEqual([...trace(i).data]);
      expect(detuning[i]).toBe(parameters(i)['mot.detuning'].magnitude);
      expect(notes[i]).toBe(parameters(i).note);
    }
  });

  it('Parquet: nodejs-polars and DuckDB read the scalar and array columns as stored', async () => {
    const file = await exportTo('scan.parquet', '--format', 'parquet');
    const frame = pl.readParquet(file);
    expect(frame.height).toBe(SHOTS);
    const pictures = frame.getColumn('cam\\picture').toArray() as unknown as number[][];
    for (let i = 0; i < SHOTS; i++)
      expect(pictures[i], `picture ${i}`).toEqual([...picture(i).data]);
    expect(frame.getColumn('probe.on').toArray()).toEqual(
      Array.from({ length: SHOTS }, (_, i) => parameters(i)['probe.on']),
    );
    const rows = await duckdbRows(
      `SELECT shot, "mot.detuning [MHz]" AS detuning, rep, "cam\\picture" AS picture, trace
       FROM read_parquet('${file.replace(/'/g, "''")}') ORDER BY shot`,
    );
    expect(rows).toHaveLength(SHOTS);
    rows.forEach((row, i) => {
      expect(row.shot).toBe(BigInt(i));
      expect(row.detuning).toBe(parameters(i)['mot.detuning'].magnitude);
      expect(row.rep).toBe(BigInt(parameters(i).rep));
      expect(row.picture, `picture ${i}`).toEqual([...picture(i).data]);
      expect(row.trace).toEqual([...trace(i).data]);
    });
  });

  it('Parquet with --parquet-arrays bytes: DuckDB reads each array as its little-endian bytes', async () => {
    const file = await exportTo(
      'bytes.parquet',
      '--format',
      'parquet',
      '--parquet-arrays',
      'bytes',
    );
    const bytes = (a: { data: ArrayBufferView }) =>
      Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    const rows = await duckdbRows(
      `SELECT shot, "cam\\picture" AS picture, trace
       FROM read_parquet('${file.replace(/'/g, "''")}') ORDER BY shot`,
    );
    expect(rows).toHaveLength(SHOTS);
    rows.forEach((row, i) => {
      expect(row.shot).toBe(BigInt(i));
      expect(Buffer.from(row.picture as Uint8Array).equals(bytes(picture(i))), `picture ${i}`).toBe(
        true,
      );
      expect(Buffer.from(row.trace as Uint8Array).equals(bytes(trace(i)))).toBe(true);
    });
    // nodejs-polars reads the scalar columns (its JavaScript API has no binary values yet).
    const frame = pl.readParquet(file, { columns: ['shot', 'mot.detuning [MHz]'] });
    expect(frame.getColumn('mot.detuning [MHz]').toArray()).toEqual(
      Array.from({ length: SHOTS }, (_, i) => parameters(i)['mot.detuning'].magnitude),
    );
  });
});
