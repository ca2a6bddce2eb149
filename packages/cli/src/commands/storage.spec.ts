import { readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';
import { writeSequence } from '../export/export.test-helper.js';

describe('shotline storage check', { timeout: 120_000 }, () => {
  let lab: TempLab;
  beforeAll(async () => {
    lab = await tempLab();
    await writeSequence(lab.lab, '\\a', 3);
    await writeSequence(lab.lab, '\\b', 2);
  }, 120_000);
  afterAll(() => lab?.dispose());

  it('reads back every array and chunk file reference of a sound storage', async () => {
    const report = await lab.json<{ ok: boolean; arrays: number; chunkedArrays: number }>([
      'storage',
      'check',
    ]);
    expect(report).toMatchObject({ ok: true, arrays: 10, chunkedArrays: 5, problems: [] });
    const text = await lab.run(['storage', 'check']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /shotline\.sqlite: no problem found in 10 array\(s\) \(5 in chunk files, 0\.4 MiB read back and checksummed\)/,
    );
  });

  it('names the sequence, shot and label of each picture whose chunk file was cut short, and exits 1', async () => {
    const chunks = join(lab.lab, 'shotline.sqlite-chunks');
    const [first] = readdirSync(chunks)
      .filter((n) => n.endsWith('.chunk'))
      .sort();
    // Cut into the second picture of the file written first (\a).
    truncateSync(join(chunks, first!), 76_800 + 100);
    const result = await lab.run(['storage', 'check']);
    expect(result.code).toBe(1);
    const damaged = result.stdout.split('\n').filter((l) => l.startsWith('damaged: '));
    expect(damaged).toHaveLength(2);
    expect(damaged[0]).toMatch(
      /array "cam\\picture" of shot 1 in sequence "\\a": its chunk file .* was cut short/,
    );
    expect(damaged[1]).toMatch(/array "cam\\picture" of shot 2 in sequence "\\a"/);
    expect(result.stdout).toMatch(/2 problem\(s\) in 10 array\(s\)/);
    // Reading the sound sequence is not affected.
    expect((await lab.run(['export', 'b', '--format', 'csv'])).code).toBe(0);
  });
});
