import type { SequencePath } from '../path/index.js';
import { PathIsSequenceError } from './storage-errors.js';

// Refusals whose wording every backend shares.

/** Creating `path` (or moving something there) would put it below the sequence `sequence`. */
export function pathCrossesSequenceError(
  path: SequencePath,
  sequence: SequencePath,
): PathIsSequenceError {
  return new PathIsSequenceError(
    path,
    sequence.equals(path)
      ? `"${path.toString()}" is a sequence`
      : `cannot create "${path.toString()}": "${sequence.toString()}" is a sequence and cannot hold children`,
  );
}

/** Deleting `path` would delete sequences (`example` is one of them) without `deleteSequences`. */
export function pathContainsSequencesError(
  path: SequencePath,
  example: SequencePath,
): PathIsSequenceError {
  return new PathIsSequenceError(
    path,
    example.equals(path)
      ? `"${path.toString()}" is a sequence; pass deleteSequences: true to delete it`
      : `"${path.toString()}" contains sequences (such as "${example.toString()}"); pass deleteSequences: true to delete them`,
  );
}
