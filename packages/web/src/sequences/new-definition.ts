import type { DefinitionJson } from '../api/api-types.js';

/** What a new sequence starts from: one shot, one 10 ms step, no lanes. */
export function newDefinition(): DefinitionJson {
  return {
    iteration: { steps: [{ kind: 'shot' }] },
    timeLanes: { stepNames: ['step 0'], stepDurations: ['10 ms'], lanes: [] },
  };
}
