import type { TimeLanesJson, WireError } from '../api/api-types.js';
import { blockSteps } from './definition-edits.js';

/** The errors of a definition by where the editor shows them. */
export type CellErrors = ReadonlyMap<string, string>;

/** The key of a lane's cell. */
export const cellKey = (lane: string, step: number): string => `cell:${lane}:${step}`;
/** The key of a lane's name (an error of the whole lane). */
export const laneKey = (lane: string): string => `lane:${lane}`;
/** The key of a step's duration. */
export const durationKey = (step: number): string => `duration:${step}`;
/** The key of an iteration step (`0`, `1.2`). */
export const iterationKey = (path: string): string => `iteration:${path}`;
/** Errors with no place of their own. */
export const GENERAL_KEY = 'general';

/**
 * Places the errors of the server's check where they happened: a lane's block on its cells, a
 * step's duration on its header, an iteration step on its node, the rest above the editor.
 */
export function placeErrors(
  errors: readonly WireError[],
  table: TimeLanesJson,
): Map<string, string> {
  const placed = new Map<string, string>();
  const put = (key: string, message: string) => {
    const before = placed.get(key);
    placed.set(key, before ? `${before}\n${message}` : message);
  };
  for (const error of errors) {
    const location = error.location ?? {};
    const message = error.message;
    if (location.lane !== undefined) {
      const lane = table.lanes.find((l) => l.name === location.lane);
      if (lane && typeof location.block === 'number') {
        const [start, stop] = blockSteps(lane, location.block);
        for (let s = start; s < stop; s++) put(cellKey(lane.name, s), message);
      } else put(laneKey(location.lane), message);
      continue;
    }
    if (typeof location.step === 'string') {
      const timeStep = /^step (\d+) "/.exec(location.step);
      if (timeStep) {
        put(durationKey(Number(timeStep[1])), message);
        continue;
      }
      const iterationStep = /^step ([\d.]+)/.exec(location.step);
      if (iterationStep) {
        put(iterationKey(iterationStep[1]!), message);
        continue;
      }
    }
    put(GENERAL_KEY, message);
  }
  return placed;
}
