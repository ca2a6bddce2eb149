import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';

const SCAN = `iteration:
  - declare: power
    value: 2 mW
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
  - expose: 1 ms
lanes: {}
`;

describe('shotline export', () => {
  let lab: TempLab;
  beforeAll(async () => {
    lab = await tempLab();
    writeFileSync(join(lab.dir, 'scan.yaml'), SCAN);
    await lab.json([
      'device',
      'add',
      'camera',
      '--type',
      'shotline.testing.data-producer',
      '--set',
      'kind=value',
    ]);
    await lab.json(['seq', 'create', 'scan', '--file', join(lab.dir, 'scan.yaml')]);
    expect((await lab.run(['run', 'scan'])).code).toBe(0);
  });
  afterAll(() => lab.dispose());

  it('writes shots as CSV rows with parameters and scalar data as columns', async () => {
    const result = await lab.run(['export', 'scan', '--format', 'csv']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('shot,start_time,end_time,power [mW],detuning [MHz],rep,camera\\image');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^0,\d{4}-\d\d-\d\dT[\d:.]+Z,\d{4}-[\dT:.-]+Z,2,-1,0,0$/);
    expect(lines[6]).toMatch(/^5,.*,2,1,1,5$/);
  });

  it('writes an Arrow IPC file with typed columns (read back with apache-arrow)', async () => {
    const out = join(lab.dir, 'scan.arrow');
    const result = await lab.json<{ rows: number; columns: string[] }>([
      'export',
      'scan',
      '--format',
      'arrow',
      '--out',
      out,
    ]);
    expect(result.rows).toBe(6);
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(6);
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
      'shot:Int64',
      'start_time:Timestamp<MILLISECOND, UTC>',
      'end_time:Timestamp<MILLISECOND, UTC>',
      'power [mW]:Float64',
      'detuning [MHz]:Float64',
      'rep:Int64',
      'camera\\image:Int64',
    ]);
    expect([...table.getChild('detuning [MHz]')!]).toEqual([-1, -1, 0, 0, 1, 1]);
    expect([...table.getChild('rep')!].map(Number)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('refuses an unknown format and a missing sequence, writing nothing', async () => {
    const out = join(lab.dir, 'nothing.csv');
    const format = await lab.run(['export', 'scan', '--format', 'xlsx', '--out', out]);
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/EXPORT.*unknown format "xlsx"/);
    const missing = await lab.run(['export', 'nope', '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/PATH_NOT_FOUND/);
    expect(() => readFileSync(out)).toThrow();
  });
});
