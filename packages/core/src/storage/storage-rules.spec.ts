import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequencePath } from '../path/index.js';
import {
  deletePathRefusal,
  folderChainRefusal,
  movePathRefusal,
  newSequenceRefusal,
  sequenceLookupRefusal,
  shotsRefusal,
  storageDescendantRange,
  storageParentPath,
  storagePathChain,
  transitionRefusal,
} from './storage-rules.js';
import { storageStatePolicy } from './storage-state-policy.js';

const policy = storageStatePolicy();
const name = fc.stringMatching(/^[a-z0-9 _%.-]{1,6}$/).filter((n) => n.trim() === n && n !== '');
const pathText = fc
  .array(name, { minLength: 1, maxLength: 4 })
  .map((parts) => `\\${parts.join('\\')}`);

describe('storage rules', () => {
  it('takes path texts apart as SequencePath does', () => {
    fc.assert(
      fc.property(pathText, (text) => {
        const path = SequencePath.parse(text);
        expect(storageParentPath(text)).toBe(path.parent!.toString());
        expect(storagePathChain(text)).toEqual(
          path
            .ancestors()
            .reverse()
            .filter((p) => !p.isRoot())
            .map(String),
        );
      }),
    );
    expect(storagePathChain('\\')).toEqual([]);
  });

  it('bounds exactly the descendants of a path, whatever characters the names hold', () => {
    fc.assert(
      fc.property(pathText, pathText, (a, b) => {
        const [lo, hi] = storageDescendantRange(a);
        const below = SequencePath.parse(b).isDescendantOf(SequencePath.parse(a));
        expect(b >= lo && b < hi).toBe(below);
      }),
    );
  });

  it('refuses folders below a sequence, naming the first sequence on the way', () => {
    const chain = ['\\a', '\\a\\b', '\\a\\b\\c'];
    expect(
      folderChainRefusal('\\a\\b\\c', chain, ['folder', undefined, undefined]),
    ).toBeUndefined();
    expect(folderChainRefusal('\\a\\b\\c', chain, ['folder', 'sequence', undefined])).toEqual({
      kind: 'pathCrossesSequence',
      path: '\\a\\b\\c',
      sequence: '\\a\\b',
    });
  });

  it('refuses a new sequence on the root, below a sequence, on a sequence or on a folder with children, in that order', () => {
    expect(newSequenceRefusal('\\', [], undefined, false)?.kind).toBe('pathIsRoot');
    expect(newSequenceRefusal('\\a\\b', ['sequence'], 'sequence', true)?.kind).toBe(
      'pathCrossesSequence',
    );
    expect(newSequenceRefusal('\\a\\b', ['folder'], 'sequence', false)?.kind).toBe(
      'pathIsSequence',
    );
    expect(newSequenceRefusal('\\a\\b', ['folder'], 'folder', true)?.kind).toBe('pathHasChildren');
    expect(newSequenceRefusal('\\a\\b', ['folder'], 'folder', false)).toBeUndefined();
    expect(newSequenceRefusal('\\a\\b', [undefined], undefined, false)).toBeUndefined();
  });

  it('tells a missing path from a folder when a sequence is needed', () => {
    expect(sequenceLookupRefusal('\\', undefined)?.kind).toBe('pathIsNotSequence');
    expect(sequenceLookupRefusal('\\a', undefined)?.kind).toBe('pathNotFound');
    expect(sequenceLookupRefusal('\\a', 'folder')?.kind).toBe('pathIsNotSequence');
    expect(sequenceLookupRefusal('\\a', 'sequence')).toBeUndefined();
  });

  it('deletes sequences only when asked, and never an active one', () => {
    const sequences = [
      { path: '\\a\\done', state: 'finished' },
      { path: '\\a\\live', state: 'running' },
    ];
    expect(deletePathRefusal('\\a', true, sequences, false, policy)).toEqual({
      kind: 'pathContainsSequences',
      path: '\\a',
      example: '\\a\\done',
    });
    expect(deletePathRefusal('\\a', true, sequences, true, policy)).toEqual({
      kind: 'sequenceRunning',
      path: '\\a\\live',
    });
    expect(deletePathRefusal('\\a', true, sequences.slice(0, 1), true, policy)).toBeUndefined();
    expect(deletePathRefusal('\\a', false, [], true, policy)?.kind).toBe('pathNotFound');
    expect(deletePathRefusal('\\', true, [], true, policy)?.kind).toBe('pathIsRoot');
  });

  it('refuses moves into themselves before anything else', () => {
    for (const [source, destination] of [
      ['\\', '\\x'],
      ['\\a', '\\a'],
      ['\\a', '\\a\\b'],
    ] as const) {
      expect(movePathRefusal(source, destination, false, [], true, policy)?.kind).toBe(
        'recursiveMove',
      );
    }
    // "\ab" is not below "\a".
    expect(movePathRefusal('\\a', '\\ab', true, [], false, policy)).toBeUndefined();
    expect(
      movePathRefusal('\\a', '\\b', true, [{ path: '\\a', state: 'preparing' }], true, policy)
        ?.kind,
    ).toBe('sequenceRunning');
    expect(movePathRefusal('\\a', '\\b', true, [], true, policy)?.kind).toBe('pathExists');
  });

  it('allows exactly the transitions of the state machine', () => {
    expect(transitionRefusal('\\s', 'draft', 'prepare', policy)).toBeUndefined();
    expect(transitionRefusal('\\s', 'running', 'prepare', policy)).toEqual({
      kind: 'invalidTransition',
      path: '\\s',
      from: 'running',
      to: 'preparing',
    });
    expect(transitionRefusal('\\s', 'crashed', 'continue', policy)).toBeUndefined();
    // A draft is prepared, never continued: same target, another operation.
    expect(transitionRefusal('\\s', 'draft', 'continue', policy)?.kind).toBe('invalidTransition');
    expect(transitionRefusal('\\s', 'running', 'pause', policy)).toBeUndefined();
    expect(transitionRefusal('\\s', 'paused', 'resume', policy)).toBeUndefined();
    // A paused sequence resumes; it is not "run" again.
    expect(transitionRefusal('\\s', 'paused', 'run', policy)?.kind).toBe('invalidTransition');
    expect(transitionRefusal('\\s', 'paused', 'finish', policy)?.kind).toBe('invalidTransition');
    expect(transitionRefusal('\\s', 'paused', 'interrupt', policy)).toBeUndefined();
  });

  it('reports the first shot of a batch that is out of range or already there', () => {
    const stored = new Set([3]);
    const refuse = (indices: number[], expected: number | null = 10, state = 'running') =>
      shotsRefusal('\\s', state, expected, indices, (i) => stored.has(i));
    expect(refuse([0, 1, 2])).toBeUndefined();
    expect(refuse([0], 10, 'finished')?.kind).toBe('notRunning');
    expect(refuse([3, 12])).toEqual({ kind: 'duplicateShot', path: '\\s', index: 3 });
    expect(refuse([12, 3])).toEqual({ kind: 'shotIndex', path: '\\s', index: 12, expected: 10 });
    expect(refuse([5, 6, 5])).toEqual({ kind: 'duplicateShot', path: '\\s', index: 5 });
    expect(refuse([1_000_000], null)).toBeUndefined();
  });
});
