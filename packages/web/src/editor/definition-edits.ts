import type { LaneJson, TimeLanesJson } from '../api/api-types.js';

// Edits of a time table's JSON, as the grid makes them. Each returns a new table (the old one is
// kept for undo). The server checks the result (POST /api/sequence/check) and saves it.

/** The lane types the grid edits (a plugin's lanes are shown read-only). */
export const LANE_TYPES = ['digital', 'analog', 'camera'] as const;

/** What a new cell of a lane holds. */
export function defaultValue(type: string): unknown {
  switch (type) {
    case 'digital':
      return false;
    case 'analog':
      return { expression: '0 V' };
    default:
      return null;
  }
}

/** The index of the block of `lane` that covers `step`, and where that block starts. */
export function blockAt(lane: LaneJson, step: number): { block: number; start: number } {
  let start = 0;
  for (let b = 0; b < lane.blocks.length; b++) {
    const span = lane.blocks[b]![1];
    if (step < start + span) return { block: b, start };
    start += span;
  }
  return { block: -1, start };
}

/** The value of a lane at a step (undefined beyond its blocks). */
export function cellValue(lane: LaneJson, step: number): unknown {
  const { block } = blockAt(lane, step);
  return block < 0 ? undefined : lane.blocks[block]![0];
}

/** The steps a block covers: `[start, stop)`. */
export function blockSteps(lane: LaneJson, block: number): [number, number] {
  let start = 0;
  for (let b = 0; b < block; b++) start += lane.blocks[b]![1];
  return [start, start + (lane.blocks[block]?.[1] ?? 0)];
}

function replaceLane(table: TimeLanesJson, index: number, lane: LaneJson): TimeLanesJson {
  return { ...table, lanes: table.lanes.map((l, i) => (i === index ? lane : l)) };
}

/**
 * Sets the value of one cell: the block that covered it is split around the step (a 3-step ramp
 * edited in its middle becomes ramp, value, ramp).
 */
export function setCell(
  table: TimeLanesJson,
  laneIndex: number,
  step: number,
  value: unknown,
): TimeLanesJson {
  const lane = table.lanes[laneIndex]!;
  const { block, start } = blockAt(lane, step);
  if (block < 0) return table;
  const [old, span] = lane.blocks[block]!;
  const parts: [unknown, number][] = [];
  if (step > start) parts.push([old, step - start]);
  parts.push([value, 1]);
  if (start + span > step + 1) parts.push([old, start + span - step - 1]);
  const blocks = [...lane.blocks.slice(0, block), ...parts, ...lane.blocks.slice(block + 1)];
  return replaceLane(table, laneIndex, { ...lane, blocks });
}

/**
 * Makes a cell part of the block on its left (the block grows by one step): how a ramp or a value
 * is stretched over several steps.
 */
export function extendLeftBlock(
  table: TimeLanesJson,
  laneIndex: number,
  step: number,
): TimeLanesJson {
  const lane = table.lanes[laneIndex]!;
  const { block, start } = blockAt(lane, step);
  if (block <= 0 || start !== step) return table;
  const blocks = lane.blocks.map((b) => [...b] as [unknown, number]);
  blocks[block - 1]![1] += 1;
  blocks[block]![1] -= 1;
  return replaceLane(table, laneIndex, { ...lane, blocks: blocks.filter((b) => b[1] > 0) });
}

/**
 * Inserts a step at `at`: every lane gets a one-step block there holding the value of the step
 * it was copied from (`copyOf`, default the step before; a lane's default value when none).
 */
export function insertStep(
  table: TimeLanesJson,
  at: number,
  name: string,
  duration: string,
  copyOf: number = at - 1,
): TimeLanesJson {
  const lanes = table.lanes.map((lane) => {
    const value =
      copyOf >= 0 && copyOf < table.stepNames.length
        ? cellValue(lane, copyOf)
        : defaultValue(lane.type);
    const { block, start } = blockAt(lane, at);
    const blocks = lane.blocks.map((b) => [...b] as [unknown, number]);
    if (block < 0) blocks.push([value, 1]);
    else if (start === at) blocks.splice(block, 0, [value, 1]);
    else {
      const [old, span] = blocks[block]!;
      blocks.splice(block, 1, [old, at - start], [value, 1], [old, start + span - at]);
    }
    return { ...lane, blocks };
  });
  return {
    stepNames: [...table.stepNames.slice(0, at), name, ...table.stepNames.slice(at)],
    stepDurations: [
      ...table.stepDurations.slice(0, at),
      duration,
      ...table.stepDurations.slice(at),
    ],
    lanes,
  };
}

/** Removes a step: each lane's block over it shrinks by one (and goes when it covered only it). */
export function removeStep(table: TimeLanesJson, at: number): TimeLanesJson {
  const lanes = table.lanes.map((lane) => {
    const { block } = blockAt(lane, at);
    if (block < 0) return lane;
    const blocks = lane.blocks.map((b) => [...b] as [unknown, number]);
    blocks[block]![1] -= 1;
    return { ...lane, blocks: blocks.filter((b) => b[1] > 0) };
  });
  return {
    stepNames: table.stepNames.filter((_, i) => i !== at),
    stepDurations: table.stepDurations.filter((_, i) => i !== at),
    lanes,
  };
}

/** Renames a step or sets its duration expression. */
export function setStep(
  table: TimeLanesJson,
  at: number,
  change: { name?: string; duration?: string },
): TimeLanesJson {
  return {
    ...table,
    stepNames: table.stepNames.map((n, i) =>
      i === at && change.name !== undefined ? change.name : n,
    ),
    stepDurations: table.stepDurations.map((d, i) =>
      i === at && change.duration !== undefined ? change.duration : d,
    ),
  };
}

/** Adds a lane of a type, holding its default value over every step. */
export function addLane(table: TimeLanesJson, name: string, type: string): TimeLanesJson {
  const n = table.stepNames.length;
  const lane: LaneJson = { name, type, blocks: n > 0 ? [[defaultValue(type), n]] : [] };
  return { ...table, lanes: [...table.lanes, lane] };
}

/** Copies a lane under a new name, just below it. */
export function duplicateLane(table: TimeLanesJson, index: number, name: string): TimeLanesJson {
  const lane = table.lanes[index]!;
  const copy: LaneJson = {
    ...lane,
    name,
    blocks: lane.blocks.map((b) => [...b] as [unknown, number]),
  };
  return {
    ...table,
    lanes: [...table.lanes.slice(0, index + 1), copy, ...table.lanes.slice(index + 1)],
  };
}

/** Removes a lane. */
export function removeLane(table: TimeLanesJson, index: number): TimeLanesJson {
  return { ...table, lanes: table.lanes.filter((_, i) => i !== index) };
}

/** Renames a lane. */
export function renameLane(table: TimeLanesJson, index: number, name: string): TimeLanesJson {
  return replaceLane(table, index, { ...table.lanes[index]!, name });
}

/** Moves a lane up (-1) or down (+1). */
export function moveLane(table: TimeLanesJson, index: number, by: -1 | 1): TimeLanesJson {
  const to = index + by;
  if (to < 0 || to >= table.lanes.length) return table;
  const lanes = [...table.lanes];
  [lanes[index], lanes[to]] = [lanes[to]!, lanes[index]!];
  return { ...table, lanes };
}

/** Moves a step left (-1) or right (+1), with the values of every lane at it. */
export function moveStep(table: TimeLanesJson, at: number, by: -1 | 1): TimeLanesJson {
  const to = at + by;
  if (to < 0 || to >= table.stepNames.length) return table;
  const name = table.stepNames[at]!;
  const duration = table.stepDurations[at]!;
  const values = table.lanes.map((lane) => cellValue(lane, at));
  let moved = removeStep(table, at);
  moved = insertStep(moved, to, name, duration);
  return {
    ...moved,
    lanes: moved.lanes.map(
      (lane, i) => setCell({ ...moved, lanes: [lane] }, 0, to, values[i]).lanes[0]!,
    ),
  };
}
