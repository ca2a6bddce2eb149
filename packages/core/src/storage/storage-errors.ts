import { type ErrorLocation, ShotlineError, type ShotlineErrorOptions } from '../errors/index.js';
import type { SequencePath } from '../path/index.js';
import type { SequenceState } from '../sequence/index.js';
import { LAB_RESOURCE } from './storage-rules.js';
import { describeRunOwner, type RunOwner } from './run-owner.js';

/** Base of every expected storage failure. Recoverable: it reports a user's request that cannot be done. */
export class StorageError extends ShotlineError {
  static override readonly code: string = 'STORAGE';
  static override readonly recoverable: boolean = true;
}

function at(path: SequencePath, options: ShotlineErrorOptions = {}): ShotlineErrorOptions {
  return { ...options, location: { path: path.toString(), ...(options.location ?? {}) } };
}

/** No folder or sequence at that path. */
export class PathNotFoundError extends StorageError {
  static override readonly code: string = 'PATH_NOT_FOUND';
  constructor(
    readonly path: SequencePath,
    options?: ShotlineErrorOptions,
  ) {
    super(`no folder or sequence at "${path.toString()}"`, at(path, options));
  }
}

/** The path (or an ancestor of it) is a sequence, which cannot hold children. */
export class PathIsSequenceError extends StorageError {
  static override readonly code: string = 'PATH_IS_SEQUENCE';
  constructor(
    readonly path: SequencePath,
    detail?: string,
    options?: ShotlineErrorOptions,
  ) {
    super(detail ?? `"${path.toString()}" is a sequence`, at(path, options));
  }
}

/** The operation needs a sequence, but the path is a folder. */
export class PathIsNotSequenceError extends StorageError {
  static override readonly code: string = 'PATH_IS_NOT_SEQUENCE';
  constructor(
    readonly path: SequencePath,
    options?: ShotlineErrorOptions,
  ) {
    super(`"${path.toString()}" is a folder, not a sequence`, at(path, options));
  }
}

/** The folder has children, so it cannot become a sequence. */
export class PathHasChildrenError extends StorageError {
  static override readonly code: string = 'PATH_HAS_CHILDREN';
  constructor(
    readonly path: SequencePath,
    options?: ShotlineErrorOptions,
  ) {
    super(`"${path.toString()}" has children`, at(path, options));
  }
}

/** The root cannot be deleted, moved or dated. */
export class PathIsRootError extends StorageError {
  static override readonly code: string = 'PATH_IS_ROOT';
  constructor(
    readonly path: SequencePath,
    options?: ShotlineErrorOptions,
  ) {
    super('the operation is not allowed on the root "\\"', at(path, options));
  }
}

/** A move or creation target already exists. */
export class PathExistsError extends StorageError {
  static override readonly code: string = 'PATH_EXISTS';
  constructor(
    readonly path: SequencePath,
    options?: ShotlineErrorOptions,
  ) {
    super(`"${path.toString()}" already exists`, at(path, options));
  }
}

/** A path cannot be moved onto itself or below itself. */
export class RecursivePathMoveError extends StorageError {
  static override readonly code: string = 'RECURSIVE_PATH_MOVE';
  constructor(
    readonly source: SequencePath,
    readonly destination: SequencePath,
  ) {
    super(`cannot move "${source.toString()}" to "${destination.toString()}"`, {
      location: { path: source.toString() },
    });
  }
}

/** A sequence in (or under) the path is PREPARING or RUNNING. */
export class SequenceRunningError extends StorageError {
  static override readonly code: string = 'SEQUENCE_RUNNING';
  constructor(
    readonly path: SequencePath,
    options?: ShotlineErrorOptions,
  ) {
    super(`sequence "${path.toString()}" is running`, at(path, options));
  }
}

/** Only DRAFT sequences can be edited. */
export class SequenceNotEditableError extends StorageError {
  static override readonly code: string = 'SEQUENCE_NOT_EDITABLE';
  constructor(
    readonly path: SequencePath,
    readonly state: SequenceState,
  ) {
    super(
      `sequence "${path.toString()}" is ${state.toUpperCase()} and cannot be edited; reset it to DRAFT first`,
      { location: { sequence: path.toString() } },
    );
  }
}

/** The state change is not allowed from the current state (for example starting a non-draft). */
export class InvalidStateTransitionError extends StorageError {
  static override readonly code: string = 'INVALID_STATE_TRANSITION';
  constructor(
    readonly path: SequencePath,
    readonly from: SequenceState,
    readonly to: SequenceState,
  ) {
    super(
      `sequence "${path.toString()}" cannot go from ${from.toUpperCase()} to ${to.toUpperCase()}`,
      { location: { sequence: path.toString() } },
    );
  }
}

/** Snapshots (globals, device configurations) exist only once a sequence has been started. */
export class SequenceNotLaunchedError extends StorageError {
  static override readonly code: string = 'SEQUENCE_NOT_LAUNCHED';
  constructor(readonly path: SequencePath) {
    super(`sequence "${path.toString()}" has not been started`, {
      location: { sequence: path.toString() },
    });
  }
}

/** The sequence is not CRASHED, so it has no error summary. */
export class SequenceNotCrashedError extends StorageError {
  static override readonly code: string = 'SEQUENCE_NOT_CRASHED';
  constructor(
    readonly path: SequencePath,
    readonly state: SequenceState,
  ) {
    super(`sequence "${path.toString()}" is ${state.toUpperCase()}, not CRASHED`, {
      location: { sequence: path.toString() },
    });
  }
}

/** Shots can be added only while the sequence is RUNNING. */
export class SequenceNotRunningError extends StorageError {
  static override readonly code: string = 'SEQUENCE_NOT_RUNNING';
  constructor(
    readonly path: SequencePath,
    readonly state: SequenceState,
  ) {
    super(`cannot add shots to sequence "${path.toString()}": it is ${state.toUpperCase()}`, {
      location: { sequence: path.toString() },
    });
  }
}

/** A shot index is negative, not an integer, or not below the expected number of shots. */
export class ShotIndexError extends StorageError {
  static override readonly code: string = 'SHOT_INDEX';
  constructor(
    readonly path: SequencePath,
    readonly index: number,
    detail: string,
  ) {
    super(detail, { location: { sequence: path.toString(), shot: index } });
  }
}

/** A shot with that index is already stored. */
export class DuplicateShotError extends StorageError {
  static override readonly code: string = 'DUPLICATE_SHOT';
  constructor(
    readonly path: SequencePath,
    readonly index: number,
  ) {
    super(`shot ${index} is already stored`, {
      location: { sequence: path.toString(), shot: index },
    });
  }
}

/** No shot with that index. */
export class ShotNotFoundError extends StorageError {
  static override readonly code: string = 'SHOT_NOT_FOUND';
  constructor(
    readonly path: SequencePath,
    readonly index: number,
  ) {
    super(`no shot ${index}`, { location: { sequence: path.toString(), shot: index } });
  }
}

/** The shot has no data under that label. */
export class DataNotFoundError extends StorageError {
  static override readonly code: string = 'DATA_NOT_FOUND';
  constructor(
    readonly path: SequencePath,
    readonly index: number,
    readonly label: string,
  ) {
    super(`shot ${index} has no data labelled "${label}"`, {
      location: { sequence: path.toString(), shot: index, label },
    });
  }
}

/** No default configuration for that device name. */
export class DeviceConfigurationNotFoundError extends StorageError {
  static override readonly code: string = 'DEVICE_CONFIGURATION_NOT_FOUND';
  constructor(readonly deviceName: string) {
    super(`no device configuration named "${deviceName}"`, { location: { device: deviceName } });
  }
}

/** No queued run has this id. */
export class QueuedRunNotFoundError extends StorageError {
  static override readonly code: string = 'QUEUED_RUN_NOT_FOUND';
  constructor(readonly runId: string) {
    super(`no queued run with id "${runId}" (list them with GET /api/queue)`);
  }
}

/** Input that cannot be stored (not JSON, wrong shape...) or stored content that cannot be read. */
export class InvalidStorageDataError extends StorageError {
  static override readonly code: string = 'INVALID_STORAGE_DATA';
}

/**
 * The database schema is not one this version can use: newer than this version (upgrade shotline),
 * or not a shotline database. Not recoverable.
 */
export class StorageSchemaError extends ShotlineError {
  static override readonly code: string = 'STORAGE_SCHEMA';
}

/**
 * A resource a run needs (a device, the sequence, the whole lab) is held by another live run or
 * server. Raised before anything is opened; names the resource, the sequence that holds it, the
 * host and the pid.
 */
export class ResourceBusyError extends StorageError {
  static override readonly code: string = 'RESOURCE_BUSY';
  constructor(
    /** The resource asked for (`device:camera`, `sequence:\a`, `lab`). */
    readonly resource: string,
    /** Who holds it, when known. */
    readonly holder: RunOwner | null,
    /** The sequence the holder runs, if any. */
    readonly heldFor: string | null,
    readonly since: Date | null,
    readonly lastSeen: Date | null,
    options: ShotlineErrorOptions = {},
  ) {
    const what = describeResource(resource);
    const who = holder
      ? `${heldFor ? `sequence ${heldFor}, run by ` : ''}${describeRunOwner(holder)}`
      : 'another process (it has not recorded who it is yet)';
    const when = since ? ` since ${since.toISOString()}` : '';
    const seen = lastSeen ? `, last seen ${lastSeen.toISOString()}` : '';
    const fix = holder
      ? `; wait until it ends, or interrupt it (Ctrl-C where it runs, or kill -INT ${holder.pid} on ${holder.host})`
      : '; wait until it ends';
    super(`${what} is in use by ${who}${when}${seen}${fix}`, {
      ...options,
      location: { ...resourceLocation(resource), ...(options.location ?? {}) },
    });
  }
}

/** A lock a run held was taken over by someone else (its lease expired while it could not renew). */
export class LockLostError extends StorageError {
  static override readonly code: string = 'LOCK_LOST';
  constructor(
    readonly resource: string,
    options: ShotlineErrorOptions = {},
  ) {
    super(
      `the lock on ${describeResource(resource)} was lost: its lease expired while the storage could not be reached, and another process may now use it`,
      { ...options, location: { ...resourceLocation(resource), ...(options.location ?? {}) } },
    );
  }
}

/**
 * The storage could not be reached (connection refused, lost, server restarting) for longer than
 * its reconnection window. Thrown, not returned: the request may be tried again later.
 */
export class StorageUnavailableError extends ShotlineError {
  static override readonly code: string = 'STORAGE_UNAVAILABLE';
  static override readonly recoverable: boolean = true;
}

/**
 * The storage failed to read or write its files: disk full (`SQLITE_FULL`, `ENOSPC`), an I/O error,
 * a read-only or corrupted file. `driverCode` is the driver's own code (`SQLITE_FULL`...).
 */
export class StorageIOError extends ShotlineError {
  static override readonly code: string = 'STORAGE_IO';
  static override readonly recoverable: boolean = true;
  constructor(
    message: string,
    readonly driverCode: string | undefined,
    options: ShotlineErrorOptions = {},
  ) {
    super(message, options);
  }
}

/**
 * Stored on a sequence found PREPARING or RUNNING whose process is provably gone (killed, crashed,
 * or its lease expired): "the process that ran it stopped".
 */
export class RunProcessGoneError extends ShotlineError {
  static override readonly code: string = 'RUN_PROCESS_GONE';
}

/** `device "camera"`, `sequence \a`, `the lab`, for messages. */
export function describeResource(resource: string): string {
  if (resource === LAB_RESOURCE) return 'the lab';
  const colon = resource.indexOf(':');
  const kind = resource.slice(0, colon);
  const name = resource.slice(colon + 1);
  if (kind === 'device') return `device "${name}"`;
  if (kind === 'sequence') return `sequence ${name}`;
  return `"${resource}"`;
}

function resourceLocation(resource: string): ErrorLocation {
  if (resource.startsWith('device:')) return { device: resource.slice('device:'.length) };
  if (resource.startsWith('sequence:')) return { sequence: resource.slice('sequence:'.length) };
  return {};
}
