import {
  ContractViolationError,
  type CreatePathOptions,
  type CreateSequenceOptions,
  type DataLabel,
  type DataValue,
  DataNotFoundError,
  DeviceConfigurationNotFoundError,
  DuplicateShotError,
  type ErrorSummary,
  type JsonValue,
  PathExistsError,
  PathHasChildrenError,
  PathIsNotSequenceError,
  PathIsRootError,
  PathIsSequenceError,
  PathNotFoundError,
  type PreparedShot,
  type PreparingSnapshot,
  RecursivePathMoveError,
  type Result,
  type SequenceDraft,
  SequenceNotCrashedError,
  SequenceNotEditableError,
  SequenceNotLaunchedError,
  SequenceNotRunningError,
  SequencePath,
  type SequenceRecord,
  SequenceRunningError,
  type SequenceState,
  type SequenceStats,
  type SessionStorage,
  ShotNotFoundError,
  type ShotInput,
  type ShotRecord,
  type ShotTable,
  type ShotTableQuery,
  ShotTableBuilder,
  type StoredDeviceConfiguration,
  type InvalidStateTransitionError,
  type InvalidStorageDataError,
  type ShotIndexError,
  checkShotIndexRange,
  checkStateTransition,
  decodeStorageJson,
  decodeStorageJsonObject,
  decodeStoredArray,
  decodeStoredDeviceConfigurations,
  decodeStoredErrorSummary,
  encodeDeviceConfiguration,
  encodeErrorSummary,
  encodePreparingSnapshot,
  encodeSequenceDraft,
  encodeStorageDate,
  encodeStorageJson,
  err,
  findRepeatedShotIndex,
  isActive,
  isEditable,
  ok,
  pathContainsSequencesError,
  pathCrossesSequenceError,
  prepareShot,
  prepareShots,
  sortStoragePaths,
} from '@shotline/core';

type TransitionError =
  | PathNotFoundError
  | PathIsNotSequenceError
  | InvalidStateTransitionError
  | InvalidStorageDataError;

type ShotWriteError =
  | PathNotFoundError
  | PathIsNotSequenceError
  | SequenceNotRunningError
  | ShotIndexError
  | DuplicateShotError
  | InvalidStorageDataError;

/** A sequence as the memory backend keeps it: the same encoded forms a database row holds. */
interface MemorySequence {
  state: SequenceState;
  iteration: string;
  timeLanes: string;
  expectedShots: number | null;
  globals: string | null;
  deviceConfigurations: string | null;
  owner: string | null;
  error: string | null;
  startTime: number | null;
  stopTime: number | null;
  shots: Map<number, PreparedShot>;
}

interface MemoryNode {
  createdAt: number;
  sequence?: MemorySequence;
}

/** The data shared by the handles of one in-memory database. */
interface MemoryDatabase {
  nodes: Map<string, MemoryNode>;
  globals: string;
  devices: Map<string, { type: string; configuration: string }>;
}

/** Options of {@link MemorySessionStorage}. */
export interface MemorySessionStorageOptions {
  /**
   * Another handle whose data this one shares, like a second connection to one database (to test two
   * managers on one storage).
   */
  shareWith?: MemorySessionStorage;
}

type Found =
  | { ok: true; node: MemoryNode; sequence: MemorySequence }
  | { ok: false; error: PathNotFoundError | PathIsNotSequenceError };

/**
 * A {@link SessionStorage} that keeps everything in memory: for tests and demos. It passes the same
 * conformance suite as the SQLite and PostgreSQL backends and stores the same encoded forms (JSON
 * text, copied array bytes), so what it accepts, refuses and returns is what a database would. Every
 * method runs synchronously inside one turn of the event loop, which makes it atomic.
 */
export class MemorySessionStorage implements SessionStorage {
  readonly kind = 'memory';
  readonly location = 'memory';
  readonly #db: MemoryDatabase;
  #closed = false;

  constructor(options: MemorySessionStorageOptions = {}) {
    this.#db = options.shareWith
      ? options.shareWith.#db
      : { nodes: new Map(), globals: '[]', devices: new Map() };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): MemoryDatabase {
    if (this.#closed) throw new ContractViolationError('the memory storage is closed');
    return this.#db;
  }

  #sequence(path: SequencePath): Found {
    const node = this.#open().nodes.get(path.toString());
    if (node === undefined || path.isRoot()) {
      return {
        ok: false,
        error: path.isRoot() ? new PathIsNotSequenceError(path) : new PathNotFoundError(path),
      };
    }
    if (node.sequence === undefined) return { ok: false, error: new PathIsNotSequenceError(path) };
    return { ok: true, node, sequence: node.sequence };
  }

  #subtree(path: SequencePath): string[] {
    const text = path.toString();
    const prefix = path.isRoot() ? text : `${text}\\`;
    return [...this.#open().nodes.keys()].filter((p) => p === text || p.startsWith(prefix));
  }

  /** The first missing-or-folder check of creating `path`: an ancestor (or itself) that is a sequence. */
  #sequenceOnTheWay(path: SequencePath): SequencePath | undefined {
    for (const ancestor of path.ancestors().reverse()) {
      if (this.#open().nodes.get(ancestor.toString())?.sequence !== undefined) return ancestor;
    }
    return undefined;
  }

  #createMissing(path: SequencePath, createdAt: number): SequencePath[] {
    const created: SequencePath[] = [];
    for (const ancestor of path.ancestors().reverse()) {
      if (ancestor.isRoot() || this.#open().nodes.has(ancestor.toString())) continue;
      this.#open().nodes.set(ancestor.toString(), { createdAt });
      created.push(ancestor);
    }
    return created;
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return path.isRoot() || this.#open().nodes.has(path.toString());
  }

  async createPath(
    path: SequencePath,
    options: CreatePathOptions = {},
  ): Promise<Result<SequencePath[], PathIsSequenceError | InvalidStorageDataError>> {
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      path: path.toString(),
    });
    if (!createdAt.ok) return createdAt;
    const blocking = this.#sequenceOnTheWay(path);
    if (blocking !== undefined) return err(pathCrossesSequenceError(path, blocking));
    return ok(this.#createMissing(path, createdAt.value));
  }

  async deletePath(
    path: SequencePath,
    options: { deleteSequences?: boolean } = {},
  ): Promise<
    Result<void, PathNotFoundError | PathIsRootError | PathIsSequenceError | SequenceRunningError>
  > {
    const db = this.#open();
    if (path.isRoot()) return err(new PathIsRootError(path));
    if (!db.nodes.has(path.toString())) return err(new PathNotFoundError(path));
    const subtree = this.#subtree(path);
    const sequences = subtree.filter((p) => db.nodes.get(p)!.sequence !== undefined).sort();
    if (sequences.length > 0 && options.deleteSequences !== true) {
      return err(pathContainsSequencesError(path, SequencePath.parse(sequences[0]!)));
    }
    const running = sequences.find((p) => isActive(db.nodes.get(p)!.sequence!.state));
    if (running !== undefined) return err(new SequenceRunningError(SequencePath.parse(running)));
    for (const p of subtree) db.nodes.delete(p);
    return ok();
  }

  async children(
    path: SequencePath,
  ): Promise<Result<SequencePath[], PathNotFoundError | PathIsSequenceError>> {
    const db = this.#open();
    if (!path.isRoot()) {
      const node = db.nodes.get(path.toString());
      if (node === undefined) return err(new PathNotFoundError(path));
      if (node.sequence !== undefined) return err(new PathIsSequenceError(path));
    }
    const children: SequencePath[] = [];
    for (const p of db.nodes.keys()) {
      const child = SequencePath.parse(p);
      if (child.parent?.equals(path)) children.push(child);
    }
    return ok(sortStoragePaths(children));
  }

  async creationDate(
    path: SequencePath,
  ): Promise<Result<Date, PathNotFoundError | PathIsRootError>> {
    if (path.isRoot()) return err(new PathIsRootError(path));
    const node = this.#open().nodes.get(path.toString());
    if (node === undefined) return err(new PathNotFoundError(path));
    return ok(new Date(node.createdAt));
  }

  async movePath(
    source: SequencePath,
    destination: SequencePath,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathExistsError
      | RecursivePathMoveError
      | PathIsSequenceError
      | SequenceRunningError
    >
  > {
    const db = this.#open();
    if (source.isRoot() || destination.equals(source) || destination.isDescendantOf(source)) {
      return err(new RecursivePathMoveError(source, destination));
    }
    if (!db.nodes.has(source.toString())) return err(new PathNotFoundError(source));
    const subtree = this.#subtree(source).sort();
    const running = subtree.find((p) => {
      const sequence = db.nodes.get(p)!.sequence;
      return sequence !== undefined && isActive(sequence.state);
    });
    if (running !== undefined) return err(new SequenceRunningError(SequencePath.parse(running)));
    if (destination.isRoot() || db.nodes.has(destination.toString())) {
      return err(new PathExistsError(destination));
    }
    const blocking = this.#sequenceOnTheWay(destination.parent!);
    if (blocking !== undefined) return err(pathCrossesSequenceError(destination, blocking));
    this.#createMissing(destination.parent!, Date.now());
    const from = source.toString();
    const to = destination.toString();
    for (const p of subtree) {
      const node = db.nodes.get(p)!;
      db.nodes.delete(p);
      db.nodes.set(to + p.slice(from.length), node);
    }
    return ok();
  }

  async isSequence(path: SequencePath): Promise<Result<boolean, PathNotFoundError>> {
    if (path.isRoot()) return ok(false);
    const node = this.#open().nodes.get(path.toString());
    if (node === undefined) return err(new PathNotFoundError(path));
    return ok(node.sequence !== undefined);
  }

  async sequencesUnder(path: SequencePath): Promise<Result<SequencePath[], PathNotFoundError>> {
    const db = this.#open();
    if (!path.isRoot() && !db.nodes.has(path.toString())) return err(new PathNotFoundError(path));
    const sequences = this.#subtree(path)
      .filter((p) => db.nodes.get(p)!.sequence !== undefined)
      .map((p) => SequencePath.parse(p));
    return ok(sortStoragePaths(sequences));
  }

  async sequencesInState(state: SequenceState): Promise<SequencePath[]> {
    const found: SequencePath[] = [];
    for (const [p, node] of this.#open().nodes) {
      if (node.sequence?.state === state) found.push(SequencePath.parse(p));
    }
    return sortStoragePaths(found);
  }

  // ---- sequences -------------------------------------------------------------------------------

  async createSequence(
    path: SequencePath,
    draft: SequenceDraft,
    options: CreateSequenceOptions = {},
  ): Promise<
    Result<
      void,
      PathIsSequenceError | PathHasChildrenError | PathIsRootError | InvalidStorageDataError
    >
  > {
    const encoded = encodeSequenceDraft(path, draft);
    if (!encoded.ok) return encoded;
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      sequence: path.toString(),
    });
    if (!createdAt.ok) return createdAt;
    return this.#insertSequence(path, encoded.value, createdAt.value);
  }

  #insertSequence(
    path: SequencePath,
    draft: { iteration: string; timeLanes: string; expectedShots: number | null },
    createdAt: number,
  ): Result<void, PathIsSequenceError | PathHasChildrenError | PathIsRootError> {
    const db = this.#open();
    if (path.isRoot()) return err(new PathIsRootError(path));
    const blocking = this.#sequenceOnTheWay(path);
    if (blocking !== undefined) {
      return err(pathCrossesSequenceError(path, blocking));
    }
    if (this.#subtree(path).length > 1) return err(new PathHasChildrenError(path));
    this.#createMissing(path.parent!, createdAt);
    const node = db.nodes.get(path.toString()) ?? { createdAt };
    node.sequence = {
      state: 'draft',
      ...draft,
      globals: null,
      deviceConfigurations: null,
      owner: null,
      error: null,
      startTime: null,
      stopTime: null,
      shots: new Map(),
    };
    db.nodes.set(path.toString(), node);
    return ok();
  }

  async duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    options: CreateSequenceOptions = {},
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | PathIsSequenceError
      | PathHasChildrenError
      | PathIsRootError
      | InvalidStorageDataError
    >
  > {
    const createdAt = encodeStorageDate(options.createdAt ?? new Date(), 'creation date', {
      sequence: destination.toString(),
    });
    if (!createdAt.ok) return createdAt;
    const found = this.#sequence(source);
    if (!found.ok) return err(found.error);
    const { iteration, timeLanes, expectedShots } = found.sequence;
    return this.#insertSequence(
      destination,
      { iteration, timeLanes, expectedShots },
      createdAt.value,
    );
  }

  async getSequence(
    path: SequencePath,
  ): Promise<Result<SequenceRecord, PathNotFoundError | PathIsNotSequenceError>> {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const s = found.sequence;
    const at = { sequence: path.toString() };
    return ok({
      ...statsOf(s),
      path,
      createdAt: new Date(found.node.createdAt),
      iteration: decodeStorageJson(s.iteration, 'iteration', at),
      timeLanes: decodeStorageJson(s.timeLanes, 'time lanes', at),
      globals: s.globals === null ? null : decodeStorageJson(s.globals, 'global parameters', at),
      deviceConfigurations:
        s.deviceConfigurations === null
          ? null
          : decodeStoredDeviceConfigurations(s.deviceConfigurations, at),
      error: s.error === null ? null : decodeStoredErrorSummary(s.error, at),
      owner: s.owner,
    });
  }

  async getStats(
    path: SequencePath,
  ): Promise<Result<SequenceStats, PathNotFoundError | PathIsNotSequenceError>> {
    const found = this.#sequence(path);
    return found.ok ? ok(statsOf(found.sequence)) : err(found.error);
  }

  async setIteration(
    path: SequencePath,
    iteration: JsonValue,
    expectedShots: number | null,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotEditableError
      | InvalidStorageDataError
    >
  > {
    const encoded = encodeSequenceDraft(path, { iteration, timeLanes: null, expectedShots });
    if (!encoded.ok) return encoded;
    const found = this.#editable(path);
    if (!found.ok) return found;
    found.value.iteration = encoded.value.iteration;
    found.value.expectedShots = encoded.value.expectedShots;
    return ok();
  }

  async setTimeLanes(
    path: SequencePath,
    timeLanes: JsonValue,
  ): Promise<
    Result<
      void,
      | PathNotFoundError
      | PathIsNotSequenceError
      | SequenceNotEditableError
      | InvalidStorageDataError
    >
  > {
    const encoded = encodeStorageJson(timeLanes, 'time lanes', { sequence: path.toString() });
    if (!encoded.ok) return encoded;
    const found = this.#editable(path);
    if (!found.ok) return found;
    found.value.timeLanes = encoded.value;
    return ok();
  }

  #editable(
    path: SequencePath,
  ): Result<MemorySequence, PathNotFoundError | PathIsNotSequenceError | SequenceNotEditableError> {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    if (!isEditable(found.sequence.state)) {
      return err(new SequenceNotEditableError(path, found.sequence.state));
    }
    return ok(found.sequence);
  }

  #transition(
    path: SequencePath,
    to: SequenceState,
  ): Result<
    MemorySequence,
    PathNotFoundError | PathIsNotSequenceError | InvalidStateTransitionError
  > {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const refused = checkStateTransition(path, found.sequence.state, to);
    if (refused) return err(refused);
    return ok(found.sequence);
  }

  async setPreparing(
    path: SequencePath,
    snapshot: PreparingSnapshot,
  ): Promise<Result<void, TransitionError>> {
    const encoded = encodePreparingSnapshot(path, snapshot);
    if (!encoded.ok) return encoded;
    const found = this.#transition(path, 'preparing');
    if (!found.ok) return found;
    Object.assign(found.value, {
      state: 'preparing',
      globals: encoded.value.globals,
      deviceConfigurations: encoded.value.deviceConfigurations,
      owner: encoded.value.owner,
    });
    return ok();
  }

  async setRunning(path: SequencePath, startTime: Date): Promise<Result<void, TransitionError>> {
    return this.#timedTransition(path, 'running', startTime, 'startTime');
  }

  async setFinished(path: SequencePath, stopTime: Date): Promise<Result<void, TransitionError>> {
    return this.#timedTransition(path, 'finished', stopTime, 'stopTime');
  }

  async setInterrupted(path: SequencePath, stopTime: Date): Promise<Result<void, TransitionError>> {
    return this.#timedTransition(path, 'interrupted', stopTime, 'stopTime');
  }

  async setCrashed(
    path: SequencePath,
    error: ErrorSummary,
    stopTime: Date,
  ): Promise<Result<void, TransitionError>> {
    const summary = encodeErrorSummary(path, error);
    if (!summary.ok) return summary;
    return this.#timedTransition(path, 'crashed', stopTime, 'stopTime', summary.value);
  }

  #timedTransition(
    path: SequencePath,
    to: SequenceState,
    time: Date,
    field: 'startTime' | 'stopTime',
    error?: string,
  ): Result<void, TransitionError> {
    const ms = encodeStorageDate(time, field === 'startTime' ? 'start time' : 'stop time', {
      sequence: path.toString(),
    });
    if (!ms.ok) return ms;
    const found = this.#transition(path, to);
    if (!found.ok) return found;
    found.value.state = to;
    found.value[field] = ms.value;
    if (error !== undefined) found.value.error = error;
    return ok();
  }

  async resetToDraft(
    path: SequencePath,
  ): Promise<
    Result<void, PathNotFoundError | PathIsNotSequenceError | InvalidStateTransitionError>
  > {
    const found = this.#transition(path, 'draft');
    if (!found.ok) return found;
    Object.assign(found.value, {
      state: 'draft',
      globals: null,
      deviceConfigurations: null,
      owner: null,
      error: null,
      startTime: null,
      stopTime: null,
      shots: new Map(),
    });
    return ok();
  }

  async getError(
    path: SequencePath,
  ): Promise<
    Result<ErrorSummary, PathNotFoundError | PathIsNotSequenceError | SequenceNotCrashedError>
  > {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const s = found.sequence;
    if (s.state !== 'crashed' || s.error === null) {
      return err(new SequenceNotCrashedError(path, s.state));
    }
    return ok(decodeStoredErrorSummary(s.error, { sequence: path.toString() }));
  }

  async getSnapshot(
    path: SequencePath,
  ): Promise<
    Result<
      { globals: JsonValue; deviceConfigurations: StoredDeviceConfiguration[] },
      PathNotFoundError | PathIsNotSequenceError | SequenceNotLaunchedError
    >
  > {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const s = found.sequence;
    if (s.globals === null || s.deviceConfigurations === null) {
      return err(new SequenceNotLaunchedError(path));
    }
    const at = { sequence: path.toString() };
    return ok({
      globals: decodeStorageJson(s.globals, 'global parameters', at),
      deviceConfigurations: decodeStoredDeviceConfigurations(s.deviceConfigurations, at),
    });
  }

  // ---- shots -----------------------------------------------------------------------------------

  async createShot(path: SequencePath, shot: ShotInput): Promise<Result<void, ShotWriteError>> {
    const prepared = prepareShot(path, shot);
    if (!prepared.ok) return prepared;
    return this.#insertShots(path, [prepared.value]);
  }

  async createShots(path: SequencePath, shots: ShotInput[]): Promise<Result<void, ShotWriteError>> {
    const prepared = prepareShots(path, shots);
    if (!prepared.ok) return prepared;
    return this.#insertShots(path, prepared.value);
  }

  #insertShots(path: SequencePath, shots: PreparedShot[]): Result<void, ShotWriteError> {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const s = found.sequence;
    if (s.state !== 'running') return err(new SequenceNotRunningError(path, s.state));
    for (const shot of shots) {
      const outOfRange = checkShotIndexRange(path, shot.index, s.expectedShots);
      if (outOfRange) return err(outOfRange);
      if (s.shots.has(shot.index)) return err(new DuplicateShotError(path, shot.index));
    }
    const repeated = findRepeatedShotIndex(shots);
    if (repeated !== undefined) return err(new DuplicateShotError(path, repeated));
    for (const shot of shots) {
      s.shots.set(shot.index, {
        ...shot,
        arrays: shot.arrays.map((a) => ({ ...a, bytes: a.bytes.slice() })),
      });
    }
    return ok();
  }

  #shot(
    path: SequencePath,
    index: number,
  ): Result<PreparedShot, PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError> {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const shot = found.sequence.shots.get(index);
    return shot === undefined ? err(new ShotNotFoundError(path, index)) : ok(shot);
  }

  async shotIndices(
    path: SequencePath,
  ): Promise<Result<number[], PathNotFoundError | PathIsNotSequenceError>> {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    return ok([...found.sequence.shots.keys()].sort((a, b) => a - b));
  }

  async getShot(
    path: SequencePath,
    index: number,
  ): Promise<Result<ShotRecord, PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError>> {
    const shot = this.#shot(path, index);
    if (!shot.ok) return shot;
    const at = { sequence: path.toString(), shot: index };
    const s = shot.value;
    return ok({
      index,
      parameters: decodeStorageJsonObject(s.parameters, 'parameters', at),
      startTime: new Date(s.startTime),
      endTime: new Date(s.endTime),
      timing: decodeStorageJson(s.timing, 'timing', at),
      labels: [...s.structured.map((d) => d.label), ...s.arrays.map((a) => a.label)].sort(),
    });
  }

  async getShotData(
    path: SequencePath,
    index: number,
    label: DataLabel,
  ): Promise<
    Result<
      DataValue,
      PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError | DataNotFoundError
    >
  > {
    const shot = this.#shot(path, index);
    if (!shot.ok) return shot;
    const value = decodeData(path, shot.value, label);
    return value === undefined ? err(new DataNotFoundError(path, index, label)) : ok(value);
  }

  async getAllShotData(
    path: SequencePath,
    index: number,
  ): Promise<
    Result<
      Record<DataLabel, DataValue>,
      PathNotFoundError | PathIsNotSequenceError | ShotNotFoundError
    >
  > {
    const shot = this.#shot(path, index);
    if (!shot.ok) return shot;
    const labels = [
      ...shot.value.structured.map((d) => d.label),
      ...shot.value.arrays.map((a) => a.label),
    ].sort();
    const data: Record<DataLabel, DataValue> = {};
    for (const label of labels) data[label] = decodeData(path, shot.value, label)!;
    return ok(data);
  }

  async readShotTable(
    path: SequencePath,
    query?: ShotTableQuery,
  ): Promise<Result<ShotTable, PathNotFoundError | PathIsNotSequenceError>> {
    const found = this.#sequence(path);
    if (!found.ok) return err(found.error);
    const builder = new ShotTableBuilder(path, query);
    const shots = [...found.sequence.shots.values()].sort((a, b) => a.index - b.index);
    for (const shot of shots) {
      builder.addShot(shot.index, shot.startTime, shot.endTime, shot.parameters);
    }
    for (const shot of shots) {
      for (const d of shot.structured) builder.addData(shot.index, d.label, d.content);
    }
    return ok(builder.build());
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getGlobals(): Promise<JsonValue> {
    return decodeStorageJson(this.#open().globals, 'global parameters');
  }

  async setGlobals(globals: JsonValue): Promise<Result<void, InvalidStorageDataError>> {
    const encoded = encodeStorageJson(globals, 'global parameters');
    if (!encoded.ok) return encoded;
    this.#open().globals = encoded.value;
    return ok();
  }

  async listDeviceConfigurations(): Promise<StoredDeviceConfiguration[]> {
    const names = [...this.#open().devices.keys()].sort();
    return names.map((name) => this.#device(name)!);
  }

  #device(name: string): StoredDeviceConfiguration | undefined {
    const stored = this.#open().devices.get(name);
    if (stored === undefined) return undefined;
    return {
      name,
      type: stored.type,
      configuration: decodeStorageJson(stored.configuration, 'device configuration', {
        device: name,
      }),
    };
  }

  async getDeviceConfiguration(
    name: string,
  ): Promise<Result<StoredDeviceConfiguration, DeviceConfigurationNotFoundError>> {
    const device = this.#device(name);
    return device === undefined ? err(new DeviceConfigurationNotFoundError(name)) : ok(device);
  }

  async setDeviceConfiguration(
    configuration: StoredDeviceConfiguration,
  ): Promise<Result<void, InvalidStorageDataError>> {
    const encoded = encodeDeviceConfiguration(configuration);
    if (!encoded.ok) return encoded;
    this.#open().devices.set(encoded.value.name, {
      type: encoded.value.type,
      configuration: encoded.value.configuration,
    });
    return ok();
  }

  async deleteDeviceConfiguration(
    name: string,
  ): Promise<Result<void, DeviceConfigurationNotFoundError>> {
    if (!this.#open().devices.delete(name)) return err(new DeviceConfigurationNotFoundError(name));
    return ok();
  }
}

function statsOf(s: MemorySequence): SequenceStats {
  return {
    state: s.state,
    completedShots: s.shots.size,
    expectedShots: s.expectedShots,
    startTime: s.startTime === null ? null : new Date(s.startTime),
    stopTime: s.stopTime === null ? null : new Date(s.stopTime),
  };
}

function decodeData(
  path: SequencePath,
  shot: PreparedShot,
  label: DataLabel,
): DataValue | undefined {
  const location = { sequence: path.toString(), shot: shot.index, label };
  const structured = shot.structured.find((d) => d.label === label);
  if (structured !== undefined) {
    return decodeStorageJson(structured.content, `data "${label}"`, location);
  }
  const array = shot.arrays.find((a) => a.label === label);
  if (array === undefined) return undefined;
  return decodeStoredArray(array.dtype, array.shape, array.bytes.slice(), location);
}
