import { describe, expect, it } from 'vitest';
import type { TimeLanesJson } from '../api/api-types.js';
import {
  addLane,
  blockSteps,
  cellValue,
  duplicateLane,
  extendLeftBlock,
  insertStep,
  moveLane,
  moveStep,
  removeLane,
  removeStep,
  setCell,
  setStep,
} from './definition-edits.js';

const table = (): TimeLanesJson => ({
  stepNames: ['load', 'ramp', 'image'],
  stepDurations: ['20 ms', '5 ms', '1 ms'],
  lanes: [
    {
      name: 'shutter',
      type: 'digital',
      blocks: [
        [true, 2],
        [false, 1],
      ],
    },
    {
      name: 'coil',
      type: 'analog',
      blocks: [
        [{ expression: '2 V' }, 1],
        ['ramp', 2],
      ],
    },
  ],
});

describe('editing a time table', () => {
  it('sets a cell by splitting the block around it', () => {
    const t = setCell(table(), 1, 2, { expression: '0 V' });
    expect(t.lanes[1]!.blocks).toEqual([
      [{ expression: '2 V' }, 1],
      ['ramp', 1],
      [{ expression: '0 V' }, 1],
    ]);
    expect(cellValue(t.lanes[1]!, 1)).toBe('ramp');
    const middle = setCell(
      { ...table(), lanes: [{ name: 'a', type: 'digital', blocks: [[true, 3]] }] },
      0,
      1,
      false,
    );
    expect(middle.lanes[0]!.blocks).toEqual([
      [true, 1],
      [false, 1],
      [true, 1],
    ]);
  });

  it('stretches the block on the left over a cell', () => {
    const t = extendLeftBlock(setCell(table(), 1, 2, { expression: '0 V' }), 1, 2);
    expect(t.lanes[1]!.blocks).toEqual([
      [{ expression: '2 V' }, 1],
      ['ramp', 2],
    ]);
    expect(blockSteps(t.lanes[1]!, 1)).toEqual([1, 3]);
  });

  it('inserts and removes steps in every lane, keeping lanes as long as the table', () => {
    const t = insertStep(table(), 1, 'wait', '1 ms');
    expect(t.stepNames).toEqual(['load', 'wait', 'ramp', 'image']);
    expect(t.lanes[0]!.blocks).toEqual([
      [true, 1],
      [true, 1],
      [true, 1],
      [false, 1],
    ]);
    expect(t.lanes[1]!.blocks).toEqual([
      [{ expression: '2 V' }, 1],
      [{ expression: '2 V' }, 1],
      ['ramp', 2],
    ]);
    const atEnd = insertStep(table(), 3, 'readout', '4 ms');
    expect(atEnd.lanes.map((l) => l.blocks.reduce((n, b) => n + b[1], 0))).toEqual([4, 4]);
    const removed = removeStep(t, 2);
    expect(removed.stepNames).toEqual(['load', 'wait', 'image']);
    expect(removed.lanes[1]!.blocks).toEqual([
      [{ expression: '2 V' }, 1],
      [{ expression: '2 V' }, 1],
      ['ramp', 1],
    ]);
    expect(removeStep(removed, 0).lanes[0]!.blocks).toEqual([
      [true, 1],
      [false, 1],
    ]);
  });

  it('renames steps, sets durations and moves steps with their values', () => {
    const t = setStep(table(), 0, { name: 'mot', duration: '30 ms' });
    expect(t.stepNames[0]).toBe('mot');
    expect(t.stepDurations[0]).toBe('30 ms');
    const moved = moveStep(table(), 2, -1);
    expect(moved.stepNames).toEqual(['load', 'image', 'ramp']);
    expect([0, 1, 2].map((s) => cellValue(moved.lanes[0]!, s))).toEqual([true, false, true]);
    expect(moveStep(table(), 0, -1)).toEqual(table());
  });

  it('adds, copies, moves and removes lanes', () => {
    let t = addLane(table(), 'camera', 'camera');
    expect(t.lanes[2]).toEqual({ name: 'camera', type: 'camera', blocks: [[null, 3]] });
    t = duplicateLane(t, 0, 'shutter 2');
    expect(t.lanes.map((l) => l.name)).toEqual(['shutter', 'shutter 2', 'coil', 'camera']);
    t = moveLane(t, 3, -1);
    expect(t.lanes.map((l) => l.name)).toEqual(['shutter', 'shutter 2', 'camera', 'coil']);
    t = removeLane(t, 1);
    expect(t.lanes.map((l) => l.name)).toEqual(['shutter', 'camera', 'coil']);
  });
});
