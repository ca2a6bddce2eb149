import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';

const SCAN = `# 3 detunings x 2 repetitions
iteration:
  - linspace: detuning
    start: -1 MHz
    stop: 1 MHz
    num: 3
    do:
      - arange: rep
        start: 0
        stop: 2
        step: 1
steps:
  - load: 2 ms
  - image: 1 ms
lanes: {}
`;

interface ShowJson {
  path: string;
  state: string;
  completedShots: number;
  expectedShots: number | null;
  error: { code: string; message: string } | null;
}

async function labWithScan(): Promise<TempLab> {
  const lab = await tempLab();
  writeFileSync(join(lab.dir, 'scan.yaml'), SCAN);
  await lab.json(['device', 'add', 'slow', '--type', 'shotline.testing.slow', '--set', 'shotMs=1']);
  await lab.json(['seq', 'create', '\\mot\\scan', '--file', join(lab.dir, 'scan.yaml')]);
  return lab;
}

describe('shotline seq', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('creates a DRAFT from a YAML file and shows its state and progress', async () => {
    lab = await labWithScan();
    const show = await lab.json<ShowJson>(['seq', 'show', 'mot\\scan']);
    expect(show).toMatchObject({
      path: '\\mot\\scan',
      state: 'draft',
      completedShots: 0,
      expectedShots: 6,
    });
    const text = await lab.run(['seq', 'show', '\\mot\\scan']);
    expect(text.stdout).toMatch(/state: {4}DRAFT\n {2}progress: 0\/6 shots \(0%\)/);
    const list = await lab.run(['seq', 'list']);
    expect(list.stdout).toMatch(/\\mot\\scan\s+DRAFT\s+0\/6/);
  });

  it('prints a definition that creates the same sequence again', async () => {
    lab = await labWithScan();
    const definition = await lab.run(['seq', 'show', 'mot\\scan', '--definition']);
    expect(definition.code).toBe(0);
    writeFileSync(join(lab.dir, 'copy.yaml'), definition.stdout);
    await lab.json(['seq', 'create', 'copy', '--file', join(lab.dir, 'copy.yaml')]);
    const copy = await lab.json(['seq', 'show', 'copy', '--definition']);
    expect(copy).toEqual(await lab.json(['seq', 'show', 'mot\\scan', '--definition']));
  });

  it('edits a DRAFT, and refuses to edit a sequence that ran', async () => {
    lab = await labWithScan();
    const file = join(lab.dir, 'scan.yaml');
    writeFileSync(file, SCAN.replace('num: 3', 'num: 5'));
    const edited = await lab.json<ShowJson>(['seq', 'edit', 'mot\\scan', '--file', file]);
    expect(edited.expectedShots).toBe(10);
    expect((await lab.run(['run', 'mot\\scan'])).code).toBe(0);
    const refused = await lab.run(['seq', 'edit', 'mot\\scan', '--file', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/FINISHED; only a DRAFT can be edited/);
  });

  it('resets a finished sequence to DRAFT, erasing its shots', async () => {
    lab = await labWithScan();
    expect((await lab.run(['run', 'mot\\scan'])).code).toBe(0);
    expect(await lab.json<ShowJson>(['seq', 'show', 'mot\\scan'])).toMatchObject({
      state: 'finished',
      completedShots: 6,
    });
    expect(await lab.json(['seq', 'reset', 'mot\\scan'])).toMatchObject({ erasedShots: 6 });
    expect(await lab.json<ShowJson>(['seq', 'show', 'mot\\scan'])).toMatchObject({
      state: 'draft',
      completedShots: 0,
    });
  });

  it('duplicates and deletes sequences', async () => {
    lab = await labWithScan();
    await lab.json(['seq', 'duplicate', 'mot\\scan', 'mot\\scan 2']);
    const list = await lab.json<{ path: string }[]>(['seq', 'list', 'mot']);
    expect(list.map((s) => s.path)).toEqual(['\\mot\\scan', '\\mot\\scan 2']);
    await lab.json(['seq', 'delete', 'mot\\scan 2']);
    const folder = await lab.run(['seq', 'delete', 'mot']);
    expect(folder.code).toBe(1);
    await lab.json(['seq', 'delete', 'mot', '--recursive']);
    expect(await lab.json(['seq', 'list'])).toEqual([]);
  });

  it('reports YAML syntax errors with file, line and column and creates nothing', async () => {
    lab = await tempLab();
    const file = join(lab.dir, 'bad.yaml');
    writeFileSync(file, 'iteration:\n  - linspace: x\n    start: [0\n');
    const result = await lab.run(['seq', 'create', 'bad', '--file', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error \[INPUT_FILE\]: invalid YAML\/JSON: .*\(file bad\.yaml:\d+:\d+\)$/m,
    );
    expect(await lab.json(['seq', 'list'])).toEqual([]);
  });

  it('reports a bad expression with its path, line and column and creates nothing', async () => {
    lab = await tempLab();
    const file = join(lab.dir, 'bad.yaml');
    writeFileSync(file, SCAN.replace('stop: 1 MHz', 'stop: 1 MHz +'));
    const result = await lab.run(['seq', 'create', 'bad', '--file', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /iteration\[0\]\.stop: .*file bad\.yaml:5:11, expression "1 MHz \+"/,
    );
    expect(await lab.json(['seq', 'list'])).toEqual([]);
  });

  it('refuses a misspelled unit in a lane when creating or editing, writing nothing', async () => {
    lab = await labWithScan();
    const file = join(lab.dir, 'typo.yaml');
    writeFileSync(
      file,
      SCAN.replace('lanes: {}', 'lanes:\n  coil:\n    analog: [1 V, 2 Mv]').replace(
        'num: 3',
        'num: 4',
      ),
    );
    const created = await lab.run(['seq', 'create', 'typo', '--file', file]);
    expect(created.code).toBe(1);
    expect(created.stderr.trim().split('\n')).toHaveLength(1);
    expect(created.stderr).toMatch(
      /lanes\.coil\.analog\[1\]: undefined unit "Mv"; did you mean "MV" or "mV"\? \(file typo\.yaml:17:\d+, expression "2 Mv", column 3\)/,
    );
    const before = await lab.json(['seq', 'show', 'mot\\scan', '--definition']);
    const edited = await lab.run(['seq', 'edit', 'mot\\scan', '--file', file]);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/undefined unit "Mv"/);
    expect(await lab.json(['seq', 'show', 'mot\\scan', '--definition'])).toEqual(before);
    expect((await lab.json<{ path: string }[]>(['seq', 'list'])).map((s) => s.path)).toEqual([
      '\\mot\\scan',
    ]);
  });

  it('reports a lane that does not fit the time table with its position', async () => {
    lab = await tempLab();
    const file = join(lab.dir, 'lanes.yaml');
    writeFileSync(file, SCAN.replace('lanes: {}', 'lanes:\n  shutter:\n    digital: [true]'));
    const result = await lab.run(['seq', 'create', 'x', '--file', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /lanes\.shutter\.digital: the lane covers 1 step\(s\) but the time table has 2.*lanes\.yaml:17:14/,
    );
  });

  it('refuses an invalid sequence path', async () => {
    lab = await labWithScan();
    const result = await lab.run(['seq', 'show', '\\mot\\\\scan']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/INVALID_PATH.*empty part/);
    expect(readFileSync(join(lab.dir, 'scan.yaml'), 'utf8')).toBe(SCAN);
  });
});
