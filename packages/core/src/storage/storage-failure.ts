import { SequencePath } from '../path/index.js';
import { checkShotIndexRange } from './stored-shot.js';
import {
  DataNotFoundError,
  DeviceConfigurationNotFoundError,
  DuplicateShotError,
  QueuedRunNotFoundError,
  InvalidStateTransitionError,
  PathExistsError,
  PathHasChildrenError,
  PathIsNotSequenceError,
  PathIsRootError,
  PathIsSequenceError,
  PathNotFoundError,
  RecursivePathMoveError,
  SequenceNotCrashedError,
  SequenceNotEditableError,
  SequenceNotLaunchedError,
  SequenceNotRunningError,
  SequenceRunningError,
  ShotIndexError,
  ShotNotFoundError,
  type StorageError,
  LockLostError,
  ResourceBusyError,
} from './storage-errors.js';
import { pathContainsSequencesError, pathCrossesSequenceError } from './storage-refusals.js';
import { type StoredLockRow, storedTimeMs } from './storage-rules.js';
import { type RunOwner, decodeRunOwner } from './run-owner.js';
import { decodeStoredState } from './storage-validation.js';

/** One expected failure of a storage operation. */
export type StorageFailure =
  | { kind: 'pathNotFound'; path: string }
  | { kind: 'pathIsSequence'; path: string }
  | { kind: 'pathCrossesSequence'; path: string; sequence: string }
  | { kind: 'pathContainsSequences'; path: string; example: string }
  | { kind: 'pathIsNotSequence'; path: string }
  | { kind: 'pathHasChildren'; path: string }
  | { kind: 'pathIsRoot'; path: string }
  | { kind: 'pathExists'; path: string }
  | { kind: 'recursiveMove'; source: string; destination: string }
  | { kind: 'sequenceRunning'; path: string }
  | { kind: 'notEditable'; path: string; state: string }
  | { kind: 'invalidTransition'; path: string; from: string; to: string }
  | { kind: 'notLaunched'; path: string }
  | { kind: 'notCrashed'; path: string; state: string }
  | { kind: 'notRunning'; path: string; state: string }
  | { kind: 'shotIndex'; path: string; index: number; expected: number }
  | { kind: 'duplicateShot'; path: string; index: number }
  | { kind: 'shotNotFound'; path: string; index: number }
  | { kind: 'dataNotFound'; path: string; index: number; label: string }
  | { kind: 'deviceNotFound'; name: string }
  | { kind: 'queuedRunNotFound'; id: string }
  | { kind: 'resourceBusy'; resource: string; row: StoredLockRow | null }
  | { kind: 'lockLost'; resource: string };

/** The result of a SQL backend's query: a value or an expected failure as data. */
export type StorageOutcome<T> = { ok: true; value: T } | { ok: false; failure: StorageFailure };

/**
 * Turns a failure reported by a SQL backend's query layer into the typed storage error. SQL layers
 * report failures as plain data (they may run in a worker thread), and this one function gives them
 * the same errors and messages in every backend.
 */
export function storageFailureToError(f: StorageFailure): StorageError {
  const at = (path: string) => SequencePath.parse(path);
  const state = (value: string, path: string) => decodeStoredState(value, { sequence: path });
  switch (f.kind) {
    case 'pathNotFound':
      return new PathNotFoundError(at(f.path));
    case 'pathIsSequence':
      return new PathIsSequenceError(at(f.path));
    case 'pathCrossesSequence':
      return pathCrossesSequenceError(at(f.path), at(f.sequence));
    case 'pathContainsSequences':
      return pathContainsSequencesError(at(f.path), at(f.example));
    case 'pathIsNotSequence':
      return new PathIsNotSequenceError(at(f.path));
    case 'pathHasChildren':
      return new PathHasChildrenError(at(f.path));
    case 'pathIsRoot':
      return new PathIsRootError(at(f.path));
    case 'pathExists':
      return new PathExistsError(at(f.path));
    case 'recursiveMove':
      return new RecursivePathMoveError(at(f.source), at(f.destination));
    case 'sequenceRunning':
      return new SequenceRunningError(at(f.path));
    case 'notEditable':
      return new SequenceNotEditableError(at(f.path), state(f.state, f.path));
    case 'invalidTransition':
      return new InvalidStateTransitionError(
        at(f.path),
        state(f.from, f.path),
        state(f.to, f.path),
      );
    case 'notLaunched':
      return new SequenceNotLaunchedError(at(f.path));
    case 'notCrashed':
      return new SequenceNotCrashedError(at(f.path), state(f.state, f.path));
    case 'notRunning':
      return new SequenceNotRunningError(at(f.path), state(f.state, f.path));
    case 'shotIndex':
      return (
        checkShotIndexRange(at(f.path), f.index, f.expected) ??
        new ShotIndexError(at(f.path), f.index, `shot index ${f.index} is out of range`)
      );
    case 'duplicateShot':
      return new DuplicateShotError(at(f.path), f.index);
    case 'shotNotFound':
      return new ShotNotFoundError(at(f.path), f.index);
    case 'dataNotFound':
      return new DataNotFoundError(at(f.path), f.index, f.label);
    case 'deviceNotFound':
      return new DeviceConfigurationNotFoundError(f.name);
    case 'queuedRunNotFound':
      return new QueuedRunNotFoundError(f.id);
    case 'resourceBusy':
      return resourceBusyError(f.resource, f.row);
    case 'lockLost':
      return new LockLostError(f.resource);
  }
}

/** The error of a resource held by the lock `row` (null: held, holder not known yet). */
export function resourceBusyError(resource: string, row: StoredLockRow | null): ResourceBusyError {
  if (row === null) return new ResourceBusyError(resource, null, null, null, null);
  let holder: RunOwner | null;
  try {
    holder = decodeRunOwner(row.holder);
  } catch {
    holder = null;
  }
  return new ResourceBusyError(
    resource,
    holder,
    row.sequence,
    new Date(storedTimeMs(row.acquired_at)),
    new Date(storedTimeMs(row.renewed_at)),
  );
}
