import { describe, expect, it } from 'vitest';
import type { IterationStepJson } from '../api/api-types.js';
import {
  NEW_STEPS,
  insertIterationStep,
  moveIterationStep,
  removeIterationStep,
  replaceStep,
  stepPathLabel,
} from './iteration-edits.js';

describe('editing the iteration tree', () => {
  const steps = (): IterationStepJson[] => [
    { kind: 'declare', variable: 'a', value: '1' },
    { kind: 'linspace', variable: 'x', start: '0', stop: '1', num: 3, steps: [{ kind: 'shot' }] },
  ];

  it('inserts, replaces, moves and removes steps at any depth', () => {
    let s = insertIterationStep(steps(), [1, 0], NEW_STEPS.declare());
    expect((s[1] as { steps: IterationStepJson[] }).steps.map((x) => x.kind)).toEqual([
      'declare',
      'shot',
    ]);
    s = replaceStep(s, [1, 0], { kind: 'declare', variable: 'b', value: '2 * x' });
    expect((s[1] as { steps: IterationStepJson[] }).steps[0]).toEqual({
      kind: 'declare',
      variable: 'b',
      value: '2 * x',
    });
    s = moveIterationStep(s, [1, 0], 1);
    expect((s[1] as { steps: IterationStepJson[] }).steps.map((x) => x.kind)).toEqual([
      'shot',
      'declare',
    ]);
    s = removeIterationStep(s, [0]);
    expect(s.map((x) => x.kind)).toEqual(['linspace']);
    expect(steps()[0]!.kind).toBe('declare');
    expect(stepPathLabel([1, 0])).toBe('1.0');
  });
});
