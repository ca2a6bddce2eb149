import type { IterationStepJson } from '../api/api-types.js';

/** Where a step is in the iteration tree: its index at each depth (`[1, 0]` = step 1.0). */
export type StepPath = readonly number[];

/** The label the server uses for a step (`1.0`). */
export const stepPathLabel = (path: StepPath): string => path.join('.');

/** The kinds of steps the editor adds. */
export const NEW_STEPS: Record<
  'shot' | 'declare' | 'linspace' | 'arange',
  () => IterationStepJson
> = {
  shot: () => ({ kind: 'shot' }),
  declare: () => ({ kind: 'declare', variable: 'x', value: '0' }),
  linspace: () => ({
    kind: 'linspace',
    variable: 'x',
    start: '0',
    stop: '1',
    num: 5,
    steps: [{ kind: 'shot' }],
  }),
  arange: () => ({
    kind: 'arange',
    variable: 'i',
    start: '0',
    stop: '5',
    step: '1',
    steps: [{ kind: 'shot' }],
  }),
};

/** True for loops (steps with children). */
export function isLoop(
  step: IterationStepJson,
): step is Extract<IterationStepJson, { steps: unknown }> {
  return 'steps' in step;
}

function mapAt(
  steps: readonly IterationStepJson[],
  path: StepPath,
  change: (siblings: IterationStepJson[], index: number) => IterationStepJson[],
): IterationStepJson[] {
  const [head, ...rest] = path;
  if (head === undefined) return [...steps];
  if (rest.length === 0) return change([...steps], head);
  return steps.map((step, i) =>
    i === head && isLoop(step) ? { ...step, steps: mapAt(step.steps, rest, change) } : step,
  );
}

/** Replaces the step at `path`. */
export function replaceStep(
  steps: readonly IterationStepJson[],
  path: StepPath,
  step: IterationStepJson,
): IterationStepJson[] {
  return mapAt(steps, path, (s, i) => s.map((x, j) => (j === i ? step : x)));
}

/** Changes the step at `path` with a function of it (applied to the latest state). */
export function updateStep(
  steps: readonly IterationStepJson[],
  path: StepPath,
  change: (step: IterationStepJson) => IterationStepJson,
): IterationStepJson[] {
  return mapAt(steps, path, (s, i) => s.map((x, j) => (j === i ? change(x) : x)));
}

/** Removes the step at `path`. */
export function removeIterationStep(
  steps: readonly IterationStepJson[],
  path: StepPath,
): IterationStepJson[] {
  return mapAt(steps, path, (s, i) => s.filter((_, j) => j !== i));
}

/** Inserts `step` at `path` (before the step there; at the end when past the last). */
export function insertIterationStep(
  steps: readonly IterationStepJson[],
  path: StepPath,
  step: IterationStepJson,
): IterationStepJson[] {
  return mapAt(steps, path, (s, i) => [...s.slice(0, i), step, ...s.slice(i)]);
}

/** Moves the step at `path` up (-1) or down (+1) among its siblings. */
export function moveIterationStep(
  steps: readonly IterationStepJson[],
  path: StepPath,
  by: -1 | 1,
): IterationStepJson[] {
  return mapAt(steps, path, (s, i) => {
    const j = i + by;
    if (j < 0 || j >= s.length) return s;
    [s[i], s[j]] = [s[j]!, s[i]!];
    return s;
  });
}
