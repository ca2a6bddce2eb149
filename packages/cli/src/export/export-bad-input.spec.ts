import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';
import {
  labStorage,
  picture,
  startSequence,
  storeShot,
  writeSequence,
} from './export.test-helper.js';

// Exports that cannot go as planned: no shots, an existing file, a full disk, a sequence being
// written, a damaged chunk file, options that do not fit together.

describe('shotline export with bad input', { timeout: 180_000 }, () => {
  let lab: TempLab;
  beforeAll(async () => {
    lab = await tempLab();
    await writeSequence(lab.lab, '\\scan', 12);
    const storage = await labStorage(lab.lab);
    await startSequence(storage, '\\empty');
    await storage.close();
  }, 180_000);
  afterAll(() => lab?.dispose());

  for (const format of ['csv', 'arrow', 'parquet', 'hdf5']) {
    it(`writes an empty ${format} file with the schema of a sequence that has no shots, and says so`, async () => {
      const out = join(lab.dir, `empty.${format}`);
      const result = await lab.run(['export', 'empty', '--format', format, '--out', out]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        `\\empty has no shots: wrote empty.${format} as an empty ${format} file with the columns shot, start_time, end_time`,
      );
      expect(result.stdout).toMatch(/wrote 0 shot\(s\) × 3 column\(s\)/);
      if (format === 'csv') expect(readFileSync(out, 'utf8')).toBe('shot,start_time,end_time\r\n');
      if (format === 'arrow') {
        const frame = pl.readIPC(readFileSync(out));
        expect([frame.height, frame.columns]).toEqual([0, ['shot', 'start_time', 'end_time']]);
      }
      if (format === 'parquet') {
        const frame = pl.readParquet(out);
        expect([frame.height, frame.columns]).toEqual([0, ['shot', 'start_time', 'end_time']]);
      }
      if (format === 'hdf5')
        expect(readFileSync(out).subarray(0, 8)).toEqual(
          Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]),
        );
    });
  }

  it('refuses to replace an existing file or arrays folder without --force, and replaces them with it', async () => {
    const out = join(lab.dir, 'taken.parquet');
    writeFileSync(out, 'precious');
    const refused = await lab.run(['export', 'scan', '--format', 'parquet', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/EXPORT.*taken\.parquet exists: give --force to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const forced = await lab.run([
      'export',
      'scan',
      '--format',
      'parquet',
      '--out',
      out,
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(pl.readParquet(out).height).toBe(12);

    const csv = join(lab.dir, 'taken.csv');
    mkdirSync(join(lab.dir, 'taken.arrays'));
    const folder = await lab.run(['export', 'scan', '--arrays', 'files', '--out', csv]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/taken\.arrays exists: give --force/);
    expect(existsSync(csv)).toBe(false);
    const replaced = await lab.run([
      'export',
      'scan',
      '--arrays',
      'files',
      '--out',
      csv,
      '--force',
    ]);
    expect(replaced.code).toBe(0);
    expect(readdirSync(join(lab.dir, 'taken.arrays')).sort()).toEqual(['cam%5Cpicture', 'trace']);
  });

  it('refuses options that do not fit together, writing nothing', async () => {
    const out = join(lab.dir, 'never.out');
    const cases: [string[], RegExp][] = [
      [['--format', 'csv', '--arrays', 'inline'], /CSV cannot hold arrays: use --arrays files/],
      [['--format', 'hdf5', '--arrays', 'files'], /HDF5 holds arrays itself/],
      [['--arrays', 'some'], /unknown --arrays "some" \(use none, inline, files\)/],
    ];
    for (const [options, message] of cases) {
      const result = await lab.run(['export', 'scan', ...options, '--out', out]);
      expect(result.code, options.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
    }
    const stdout = await lab.run(['export', 'scan', '--format', 'hdf5']);
    expect(stdout.stderr).toMatch(/an HDF5 export needs --out <file>/);
    expect(existsSync(out)).toBe(false);
  });

  it('exports a consistent snapshot of a sequence being written: the shots stored when it began, complete', async () => {
    const storage = await labStorage(lab.lab);
    const path = await startSequence(storage, '\\live');
    for (let i = 0; i < 5; i++) await storeShot(storage, path, i);
    let writing = true;
    let stored = 5;
    const writer = (async () => {
      while (writing) await storeShot(storage, path, stored++);
    })();
    try {
      const out = join(lab.dir, 'live.arrow');
      const result = await lab.run(['export', 'live', '--format', 'arrow', '--out', out]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const frame = pl.readIPC(readFileSync(out));
      const shots = frame.getColumn('shot').toArray().map(Number);
      expect(shots.length).toBeGreaterThanOrEqual(5);
      expect(shots).toEqual(Array.from({ length: shots.length }, (_, i) => i));
      const pictures = frame.getColumn('cam\\picture').toArray() as unknown as number[][];
      shots.forEach((index, row) => {
        const expected = picture(index).data;
        expect(pictures[row]!.length).toBe(expected.length);
        expect([pictures[row]![0], pictures[row]!.at(-1)]).toEqual([expected[0], expected.at(-1)]);
      });
    } finally {
      writing = false;
      await writer;
      await storage.close();
    }
  });

  it('fails naming the shot and label of a picture whose chunk file is gone, and leaves no partial file', async () => {
    await writeSequence(lab.lab, '\\damaged', 4);
    const chunks = join(lab.lab, 'shotline.sqlite-chunks');
    const before = new Set(readdirSync(lab.dir));
    // Each run has its own chunk file: \damaged's holds exactly its 4 pictures of 76 800 bytes.
    const damagedFile = readdirSync(chunks).find(
      (n) => n.endsWith('.chunk') && readFileSync(join(chunks, n)).byteLength === 4 * 76_800,
    )!;
    rmSync(join(chunks, damagedFile));
    const out = join(lab.dir, 'damaged.h5');
    const result = await lab.run(['export', 'damaged', '--format', 'hdf5', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /INVALID_STORAGE_DATA.*array "cam\\picture" of shot 0 in sequence "\\damaged": its chunk file .* is missing/,
    );
    expect(existsSync(out)).toBe(false);
    expect(new Set(readdirSync(lab.dir))).toEqual(before);
    // The other sequences are not affected.
    const other = await lab.run([
      'export',
      'scan',
      '--format',
      'hdf5',
      '--out',
      join(lab.dir, 'ok.h5'),
    ]);
    expect(other.code).toBe(0);
  });
});

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  console.warn(
    'skipping the full-disk export tests: mounting a small tmpfs needs root (CI runs as root)',
  );
}

describe.skipIf(!isRoot)('shotline export to a full disk', { timeout: 180_000 }, () => {
  let lab: TempLab;
  let disk: string;
  beforeAll(async () => {
    lab = await tempLab();
    await writeSequence(lab.lab, '\\scan', 12);
    disk = join(lab.dir, 'small-disk');
    mkdirSync(disk);
    // 12 pictures of 75 KiB do not fit in 400 KiB.
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', disk], {
      encoding: 'utf8',
    });
    if (mount.status !== 0) throw new Error(`cannot mount a tmpfs: ${mount.stderr}`);
  }, 180_000);
  afterAll(() => {
    if (disk) spawnSync('umount', ['-l', disk]);
    lab?.dispose();
  });

  for (const [format, arrays] of [
    ['hdf5', 'inline'],
    ['parquet', 'inline'],
    ['arrow', 'inline'],
    ['csv', 'files'],
  ] as const) {
    it(`fails cleanly and removes the partial export (${format}, arrays ${arrays})`, async () => {
      const out = join(disk, `scan.${format}`);
      const result = await lab.run([
        'export',
        'scan',
        '--format',
        format,
        '--arrays',
        arrays,
        '--out',
        out,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error \[EXPORT\]: no space left on the device while writing .*: the partial export was removed; free some space or choose another --out/,
      );
      expect(result.stderr).not.toMatch(/HDF5-DIAG/);
      expect(readdirSync(disk)).toEqual([]);
    });
  }
});
