import {
  ArrayLayoutError,
  NDArray,
  SequencePath,
  type SequenceShot,
  type ShotInput,
  openSequence,
  currentRunOwner,
} from '@shotline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases } from './sqlite-test-files.test-helper.js';

// core's reading API (openSequence) on a real SQLite storage with arrays in chunk files.

const files = temporaryDatabases('reading');
afterAll(() => files.dispose());
const path = SequencePath.parse('\\analysis\\scan');

function picture(index: number): NDArray<'uint16'> {
  return new NDArray(
    'uint16',
    [128, 256],
    Uint16Array.from({ length: 128 * 256 }, (_, i) => (index * 101 + i) & 0xffff),
  );
}

function shot(index: number, data: ShotInput['data'] = {}): ShotInput {
  return {
    index,
    parameters: { 'mot.detuning': { magnitude: index - 2, unit: 'MHz' }, rep: index % 2 },
    data: { 'cam\\picture': picture(index), atoms: index * 1000.5, ...data },
    startTime: new Date(1_700_000_000_000 + index * 1000),
    endTime: new Date(1_700_000_000_400 + index * 1000),
    timing: null,
  };
}

async function storageWith(shots: ShotInput[]) {
  const storage = await openSqliteStorage(files.next());
  (
    await storage.createSequence(path, { iteration: [], timeLanes: {}, expectedShots: null })
  ).unwrap();
  (
    await storage.setPreparing(path, {
      globals: [],
      deviceConfigurations: [],
      owner: currentRunOwner('test'),
    })
  ).unwrap();
  (await storage.setRunning(path, new Date())).unwrap();
  for (const s of shots) (await storage.createShot(path, s)).unwrap();
  return storage;
}

describe('openSequence', { timeout: 120_000 }, () => {
  it('yields every stored shot with its data, one at a time, in index order', async () => {
    const storage = await storageWith([shot(2), shot(0), shot(1)]);
    try {
      const seen: SequenceShot[] = [];
      for await (const s of openSequence(storage, path).shots()) seen.push(s);
      expect(seen.map((s) => s.index)).toEqual([0, 1, 2]);
      expect(seen[1]!.parameters).toEqual({
        'mot.detuning': { magnitude: -1, unit: 'MHz' },
        rep: 1,
      });
      expect((seen[2]!.data['cam\\picture'] as NDArray).data).toEqual(picture(2).data);
      expect(seen[2]!.data.atoms).toBe(2001);
      const only: SequenceShot[] = [];
      for await (const s of openSequence(storage, '\\analysis\\scan').shots({
        indices: [1],
        labels: ['atoms', 'nothing'],
      })) {
        only.push(s);
      }
      expect(only.map((s) => s.data)).toEqual([{ atoms: 1000.5 }]);
    } finally {
      await storage.close();
    }
  });

  it('describes the layout: scalar columns with units, array labels with dtype, shape and count', async () => {
    const storage = await storageWith([
      shot(0),
      shot(1, { trace: new NDArray('float32', [4], new Float32Array([1, 2, 3, 4])) }),
    ]);
    try {
      const layout = await openSequence(storage, path).layout();
      expect(layout.columns.map((c) => [c.name, c.kind, c.unit])).toEqual([
        ['shot', 'int', undefined],
        ['start_time', 'timestamp', 'ms'],
        ['end_time', 'timestamp', 'ms'],
        ['mot.detuning [MHz]', 'float', 'MHz'],
        ['rep', 'int', undefined],
        ['atoms', 'float', undefined],
      ]);
      expect(layout.arrays).toEqual([
        { label: 'cam\\picture', dtype: 'uint16', shape: [128, 256], size: 32768, shots: 2 },
        { label: 'trace', dtype: 'float32', shape: [4], size: 4, shots: 1 },
      ]);
    } finally {
      await storage.close();
    }
  });

  it('makes an Arrow table with array columns (zero-copy per shot), or the columns asked for', async () => {
    const storage = await storageWith([shot(0), shot(1), shot(2)]);
    try {
      const reader = openSequence(storage, path);
      const table = await reader.toArrowTable();
      expect(table.numRows).toBe(3);
      expect(table.batches).toHaveLength(3);
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
        'shot:Int64',
        'start_time:Timestamp<MILLISECOND, UTC>',
        'end_time:Timestamp<MILLISECOND, UTC>',
        'mot.detuning [MHz]:Float64',
        'rep:Int64',
        'atoms:Float64',
        'cam\\picture:FixedSizeList[32768]<Uint16>',
      ]);
      const field = table.schema.fields.at(-1)!;
      expect(Object.fromEntries(field.metadata)).toEqual({
        'shotline.dtype': 'uint16',
        'shotline.shape': '[128,256]',
      });
      expect(table.schema.metadata.get('shotline.sequence')).toBe('\\analysis\\scan');
      const pictures = table.getChild('cam\\picture')!;
      expect([...pictures.get(2)!]).toEqual([...picture(2).data]);

      const some = await reader.toArrowTable({
        columns: ['mot.detuning', 'cam\\picture'],
        batchShots: 2,
      });
      expect(some.schema.fields.map((f) => f.name)).toEqual(['mot.detuning [MHz]', 'cam\\picture']);
      expect(some.batches.map((b) => b.numRows)).toEqual([2, 1]);
      expect([...some.getChild('mot.detuning [MHz]')!]).toEqual([-2, -1, 0]);
      expect([...some.getChild('cam\\picture')!.get(1)!].slice(0, 3)).toEqual([101, 102, 103]);
      await expect(reader.toArrowTable({ columns: ['nope'] })).rejects.toThrow(
        /unknown column "nope"; the sequence has "shot"/,
      );
    } finally {
      await storage.close();
    }
  });

  it('refuses arrays of one label whose shapes differ, naming the shot and label', async () => {
    const odd = new NDArray('uint16', [2, 2], new Uint16Array(4));
    const storage = await storageWith([shot(0), shot(1, { 'cam\\picture': odd })]);
    try {
      const error = await openSequence(storage, path)
        .toArrowTable()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ArrayLayoutError);
      expect((error as ArrayLayoutError).message).toMatch(
        /array "cam\\picture" of shot 1 is uint16 \[2, 2\], but the sequence's first one is uint16 \[128, 256\]/,
      );
    } finally {
      await storage.close();
    }
  });
});
