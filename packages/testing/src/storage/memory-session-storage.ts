import {
  EncodedSessionStorage,
  type EncodedSequenceEvent,
  type StoredSequenceEventRow,
  type StorageTransition,
  type EncodedPreparingSnapshot,
  type EncodedSequenceDraft,
  type PreparedShot,
  STORAGE_ROOT_PATH as ROOT,
  SEQUENCE_DRAFT_RESET,
  type SequencePath,
  type SequenceState,
  type SequenceTransitionChanges,
  type SessionStorage,
  type EncodedLockRequest,
  type StorageAnswer,
  type StorageBackend,
  type StoredLockRow,
  type StorageFailure,
  type StorageOutcome,
  type StoredDataRow,
  type StoredApiTokenRow,
  type StoredAuditRow,
  type StoredDeviceRow,
  type StoredQueuedRunRow,
  type StoredNodeKind,
  type StoredSequenceRow,
  type StoredSequenceState,
  type StoredShotRow,
  type StoredShotTableRows,
  type StoredSnapshotRow,
  childrenRefusal,
  crashedRefusal,
  deletePathRefusal,
  editRefusal,
  folderChainRefusal,
  launchedRefusal,
  movePathRefusal,
  newSequenceRefusal,
  sequenceContinuingChanges,
  sequencePreparingChanges,
  sequenceLookupRefusal,
  shotsRefusal,
  storageFailure as failure,
  storageParentPath,
  storagePathChain,
  storageStatePolicy,
  storageSuccess as success,
  transitionRefusal,
  transitionTarget,
  lockConflict,
  lockRowsToCheck,
} from '@shotline/core';

/** A sequence as the memory backend keeps it: the columns of a database row, and its shots. */
interface MemorySequence extends Omit<
  StoredSequenceRow,
  'created_at' | 'completed' | 'start_time' | 'stop_time'
> {
  start_time: number | null;
  stop_time: number | null;
  shots: Map<number, PreparedShot>;
  events: StoredSequenceEventRow[];
}

interface MemoryNode {
  createdAt: number;
  sequence?: MemorySequence;
}

/** The data shared by the handles of one in-memory database. */
interface MemoryDatabase {
  nodes: Map<string, MemoryNode>;
  settings: Map<string, string>;
  devices: Map<string, { type: string; content: string }>;
  queue: Map<string, StoredQueuedRunRow>;
  audit: StoredAuditRow[];
  tokens: Map<string, StoredApiTokenRow>;
  /** Resource locks by resource: lease rows, as PostgreSQL keeps them. */
  locks: Map<string, StoredLockRow>;
  /** The id of the last event stored (ids increase across sequences, like a database's). */
  lastEventId: number;
}

/** Options of {@link MemorySessionStorage}. */
export interface MemorySessionStorageOptions {
  /**
   * Another handle whose data this one shares, like a second connection to one database (to test two
   * managers on one storage).
   */
  shareWith?: MemorySessionStorage;
}

const POLICY = storageStatePolicy();

type Outcome<T> = StorageOutcome<T>;

function answer<T>(outcome: Outcome<T>): StorageAnswer<T> {
  return Promise.resolve(outcome);
}

function refusedOr<T>(refusal: StorageFailure | undefined, run: () => T): StorageAnswer<T> {
  return answer(refusal === undefined ? success(run()) : failure(refusal));
}

/**
 * The memory {@link StorageBackend}: maps instead of tables, the same refusal rules and row shapes
 * as the databases. Each operation runs synchronously in one turn of the event loop, which makes it
 * atomic; arrays are copied in and out, so nothing is shared with callers.
 */
class MemoryBackend implements StorageBackend {
  constructor(private readonly db: MemoryDatabase) {}

  async close(): Promise<void> {}

  #kind(path: string): StoredNodeKind {
    const node = path === ROOT ? undefined : this.db.nodes.get(path);
    return node === undefined ? undefined : node.sequence === undefined ? 'folder' : 'sequence';
  }

  /** The paths at or below `path` (the whole tree for the root), sorted. */
  #subtree(path: string): string[] {
    const prefix = path === ROOT ? ROOT : `${path}\\`;
    return [...this.db.nodes.keys()].filter((p) => p === path || p.startsWith(prefix)).sort();
  }

  #subtreeSequences(path: string): StoredSequenceState[] {
    return this.#subtree(path).flatMap((p) => {
      const sequence = this.db.nodes.get(p)!.sequence;
      return sequence === undefined ? [] : [{ path: p, state: sequence.state }];
    });
  }

  #sequence(path: string): Outcome<MemorySequence> {
    const refusal = sequenceLookupRefusal(path, this.#kind(path));
    return refusal ? failure(refusal) : success(this.db.nodes.get(path)!.sequence!);
  }

  #shot(path: string, index: number): Outcome<PreparedShot> {
    const found = this.#sequence(path);
    if (!found.ok) return found;
    const shot = found.value.shots.get(index);
    return shot === undefined ? failure({ kind: 'shotNotFound', path, index }) : success(shot);
  }

  /** Creates the missing folders of `chain` at `createdAt`; returns the created ones. */
  #createFolders(chain: string[], createdAt: number): string[] {
    const created = chain.filter((p) => !this.db.nodes.has(p));
    for (const p of created) this.db.nodes.set(p, { createdAt });
    return created;
  }

  #insertSequence(path: string, draft: EncodedSequenceDraft, createdAt: number): Outcome<void> {
    const parents = storagePathChain(storageParentPath(path));
    const kind = this.#kind(path);
    const refusal = newSequenceRefusal(
      path,
      parents.map((p) => this.#kind(p)),
      kind,
      this.#subtree(path).length > 1,
    );
    if (refusal) return failure(refusal);
    this.#createFolders(parents, createdAt);
    const node = this.db.nodes.get(path) ?? { createdAt };
    node.sequence = {
      state: 'draft',
      iteration: draft.iteration,
      time_lanes: draft.timeLanes,
      expected_shots: draft.expectedShots,
      suspenders: draft.suspenders,
      ...SEQUENCE_DRAFT_RESET,
      shots: new Map(),
      events: [],
    };
    this.db.nodes.set(path, node);
    return success(undefined);
  }

  #transition(
    path: string,
    transition: StorageTransition,
    changes: SequenceTransitionChanges,
    after?: (sequence: MemorySequence) => void,
  ): StorageAnswer<void> {
    const found = this.#sequence(path);
    if (!found.ok) return answer(found);
    return refusedOr(transitionRefusal(path, found.value.state, transition, POLICY), () => {
      Object.assign(found.value, changes, { state: transitionTarget(transition, POLICY) });
      after?.(found.value);
    });
  }

  #addEvent(sequence: MemorySequence, event: EncodedSequenceEvent): number {
    const id = ++this.db.lastEventId;
    sequence.events.push({ id, time: event.time, kind: event.kind, content: event.content });
    return id;
  }

  #edit(path: string, changes: Partial<MemorySequence>): StorageAnswer<void> {
    const found = this.#sequence(path);
    if (!found.ok) return answer(found);
    return refusedOr(editRefusal(path, found.value.state, POLICY), () => {
      Object.assign(found.value, changes);
    });
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return path.isRoot() || this.db.nodes.has(path.toString());
  }

  createPath(path: SequencePath, createdAt: number): StorageAnswer<string[]> {
    const chain = storagePathChain(path.toString());
    const refusal = folderChainRefusal(
      path.toString(),
      chain,
      chain.map((p) => this.#kind(p)),
    );
    return refusedOr(refusal, () => this.#createFolders(chain, createdAt));
  }

  deletePath(path: SequencePath, deleteSequences: boolean): StorageAnswer<void> {
    const text = path.toString();
    const exists = this.#kind(text) !== undefined;
    const sequences = exists ? this.#subtreeSequences(text) : [];
    const refusal = deletePathRefusal(text, exists, sequences, deleteSequences, POLICY);
    return refusedOr(refusal, () => {
      for (const p of this.#subtree(text)) this.db.nodes.delete(p);
    });
  }

  children(path: SequencePath): StorageAnswer<string[]> {
    const text = path.toString();
    return refusedOr(childrenRefusal(text, this.#kind(text)), () =>
      [...this.db.nodes.keys()].filter((p) => storageParentPath(p) === text),
    );
  }

  creationDate(path: SequencePath): StorageAnswer<number> {
    const text = path.toString();
    if (path.isRoot()) return answer(failure({ kind: 'pathIsRoot', path: text }));
    const node = this.db.nodes.get(text);
    return answer(
      node === undefined ? failure({ kind: 'pathNotFound', path: text }) : success(node.createdAt),
    );
  }

  movePath(source: SequencePath, destination: SequencePath, now: number): StorageAnswer<void> {
    const from = source.toString();
    const to = destination.toString();
    const exists = this.#kind(from) !== undefined;
    const sequences = exists ? this.#subtreeSequences(from) : [];
    const moving = movePathRefusal(
      from,
      to,
      exists,
      sequences,
      this.#kind(to) !== undefined,
      POLICY,
    );
    if (moving) return answer(failure(moving));
    const parents = storagePathChain(storageParentPath(to));
    const crossing = folderChainRefusal(
      to,
      parents,
      parents.map((p) => this.#kind(p)),
    );
    return refusedOr(crossing, () => {
      this.#createFolders(parents, now);
      for (const p of this.#subtree(from)) {
        const node = this.db.nodes.get(p)!;
        this.db.nodes.delete(p);
        this.db.nodes.set(to + p.slice(from.length), node);
      }
    });
  }

  isSequence(path: SequencePath): StorageAnswer<boolean> {
    const text = path.toString();
    if (path.isRoot()) return answer(success(false));
    const kind = this.#kind(text);
    return answer(
      kind === undefined
        ? failure({ kind: 'pathNotFound', path: text })
        : success(kind === 'sequence'),
    );
  }

  sequencesUnder(path: SequencePath): StorageAnswer<string[]> {
    const text = path.toString();
    if (!path.isRoot() && this.#kind(text) === undefined) {
      return answer(failure({ kind: 'pathNotFound', path: text }));
    }
    return answer(success(this.#subtreeSequences(text).map((s) => s.path)));
  }

  async sequencesInState(state: SequenceState): Promise<string[]> {
    return [...this.db.nodes].filter(([, n]) => n.sequence?.state === state).map(([p]) => p);
  }

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(
    path: SequencePath,
    draft: EncodedSequenceDraft,
    createdAt: number,
  ): StorageAnswer<void> {
    return answer(this.#insertSequence(path.toString(), draft, createdAt));
  }

  duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    createdAt: number,
  ): StorageAnswer<void> {
    const found = this.#sequence(source.toString());
    if (!found.ok) return answer(found);
    const {
      iteration,
      time_lanes: timeLanes,
      expected_shots: expectedShots,
      suspenders,
    } = found.value;
    return answer(
      this.#insertSequence(
        destination.toString(),
        { iteration, timeLanes, expectedShots, suspenders },
        createdAt,
      ),
    );
  }

  getSequence(path: SequencePath): StorageAnswer<StoredSequenceRow> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    const { shots, events: _events, ...columns } = found.value;
    const createdAt = this.db.nodes.get(path.toString())!.createdAt;
    return answer(success({ ...columns, created_at: createdAt, completed: shots.size }));
  }

  async getStats(path: SequencePath) {
    return this.getSequence(path);
  }

  setIteration(
    path: SequencePath,
    iteration: string,
    expectedShots: number | null,
  ): StorageAnswer<void> {
    return this.#edit(path.toString(), { iteration, expected_shots: expectedShots });
  }

  setTimeLanes(path: SequencePath, timeLanes: string): StorageAnswer<void> {
    return this.#edit(path.toString(), { time_lanes: timeLanes });
  }

  setSuspenders(path: SequencePath, suspenders: string): StorageAnswer<void> {
    return this.#edit(path.toString(), { suspenders });
  }

  setPreparing(path: SequencePath, snapshot: EncodedPreparingSnapshot): StorageAnswer<void> {
    return this.#transition(path.toString(), 'prepare', sequencePreparingChanges(snapshot));
  }

  setContinuing(
    path: SequencePath,
    owner: string,
    event: EncodedSequenceEvent,
  ): StorageAnswer<void> {
    return this.#transition(path.toString(), 'continue', sequenceContinuingChanges(owner), (s) =>
      this.#addEvent(s, event),
    );
  }

  setRunning(path: SequencePath, startTime: number): StorageAnswer<void> {
    return this.#transition(path.toString(), 'run', { start_time: startTime });
  }

  setPaused(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<void> {
    return this.#transition(path.toString(), 'pause', {}, (s) => this.#addEvent(s, event));
  }

  setResumed(
    path: SequencePath,
    event: EncodedSequenceEvent,
    globals: string | null,
  ): StorageAnswer<void> {
    return this.#transition(path.toString(), 'resume', globals === null ? {} : { globals }, (s) =>
      this.#addEvent(s, event),
    );
  }

  setFinished(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#transition(path.toString(), 'finish', { stop_time: stopTime });
  }

  setInterrupted(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#transition(path.toString(), 'interrupt', { stop_time: stopTime });
  }

  setCrashed(path: SequencePath, error: string, stopTime: number): StorageAnswer<void> {
    return this.#transition(path.toString(), 'crash', { error, stop_time: stopTime });
  }

  resetToDraft(path: SequencePath): StorageAnswer<void> {
    return this.#transition(path.toString(), 'reset', SEQUENCE_DRAFT_RESET, (s) => {
      s.shots.clear();
      s.events = [];
    });
  }

  // ---- events of a run -------------------------------------------------------------------------

  addSequenceEvent(path: SequencePath, event: EncodedSequenceEvent): StorageAnswer<number> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    if (found.value.state === 'draft') {
      return answer(failure({ kind: 'notLaunched', path: path.toString() }));
    }
    return answer(success(this.#addEvent(found.value, event)));
  }

  sequenceEvents(path: SequencePath, afterId: number): StorageAnswer<StoredSequenceEventRow[]> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    return answer(success(found.value.events.filter((e) => e.id > afterId).map((e) => ({ ...e }))));
  }

  getError(path: SequencePath): StorageAnswer<string> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    const { state, error } = found.value;
    return refusedOr(crashedRefusal(path.toString(), state, error), () => error!);
  }

  getSnapshot(path: SequencePath): StorageAnswer<StoredSnapshotRow> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    const { globals, device_configurations: deviceConfigurations } = found.value;
    return refusedOr(launchedRefusal(path.toString(), globals, deviceConfigurations), () => ({
      globals: globals!,
      deviceConfigurations: deviceConfigurations!,
    }));
  }

  // ---- shots -----------------------------------------------------------------------------------

  createShots(path: SequencePath, shots: PreparedShot[]): StorageAnswer<void> {
    const text = path.toString();
    const found = this.#sequence(text);
    if (!found.ok) return answer(found);
    const s = found.value;
    const refusal = shotsRefusal(
      text,
      s.state,
      s.expected_shots,
      shots.map((shot) => shot.index),
      (index) => s.shots.has(index),
    );
    return refusedOr(refusal, () => {
      for (const shot of shots) {
        const arrays = shot.arrays.map((a) => ({ ...a, bytes: a.bytes.slice() }));
        s.shots.set(shot.index, { ...shot, arrays });
      }
    });
  }

  shotIndices(path: SequencePath): StorageAnswer<number[]> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    return answer(success([...found.value.shots.keys()].sort((a, b) => a - b)));
  }

  getShot(path: SequencePath, index: number): StorageAnswer<StoredShotRow> {
    const shot = this.#shot(path.toString(), index);
    if (!shot.ok) return answer(shot);
    const { startTime, endTime, parameters, timing, structured, arrays } = shot.value;
    const labels = [...structured, ...arrays].map((d) => d.label);
    return answer(
      success({ start_time: startTime, end_time: endTime, parameters, timing, labels }),
    );
  }

  getShotData(path: SequencePath, index: number, label: string): StorageAnswer<StoredDataRow> {
    const shot = this.#shot(path.toString(), index);
    if (!shot.ok) return answer(shot);
    const row = dataRows(shot.value).find((r) => r.label === label);
    return answer(
      row === undefined
        ? failure({ kind: 'dataNotFound', path: path.toString(), index, label })
        : success(row),
    );
  }

  getAllShotData(path: SequencePath, index: number): StorageAnswer<StoredDataRow[]> {
    const shot = this.#shot(path.toString(), index);
    return answer(shot.ok ? success(dataRows(shot.value)) : shot);
  }

  shotTableRows(path: SequencePath, labels: string[] | null): StorageAnswer<StoredShotTableRows> {
    const found = this.#sequence(path.toString());
    if (!found.ok) return answer(found);
    const shots = [...found.value.shots.values()].sort((a, b) => a.index - b.index);
    const wanted = labels === null ? undefined : new Set(labels);
    return answer(
      success({
        shots: shots.map((s) => [s.index, s.startTime, s.endTime, s.parameters]),
        data: shots.flatMap((s) =>
          s.structured
            .filter((d) => wanted === undefined || wanted.has(d.label))
            .map((d): [number, string, string] => [s.index, d.label, d.content]),
        ),
      }),
    );
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getSetting(name: string): Promise<string | undefined> {
    return this.db.settings.get(name);
  }

  async setSetting(name: string, content: string): StorageAnswer<void> {
    this.db.settings.set(name, content);
    return success(undefined);
  }

  async listDevices(): Promise<StoredDeviceRow[]> {
    return [...this.db.devices].map(([name, d]) => ({ name, ...d }));
  }

  async getDevice(name: string): StorageAnswer<StoredDeviceRow> {
    const device = this.db.devices.get(name);
    return device === undefined
      ? failure({ kind: 'deviceNotFound', name })
      : success({ name, ...device });
  }

  async setDevice(name: string, type: string, content: string): StorageAnswer<void> {
    this.db.devices.set(name, { type, content });
    return success(undefined);
  }

  async deleteDevice(name: string): StorageAnswer<void> {
    return this.db.devices.delete(name)
      ? success(undefined)
      : failure({ kind: 'deviceNotFound', name });
  }

  // ---- run ownership ---------------------------------------------------------------------------

  async acquireLocks(
    request: EncodedLockRequest,
    isGone: (row: StoredLockRow) => boolean,
  ): StorageAnswer<void> {
    const check = lockRowsToCheck(request.resources);
    const rows = [...this.db.locks.values()].filter(
      (row) => check === 'all' || check.includes(row.resource),
    );
    const conflict = lockConflict(request.resources, request.holderId, rows, request.now, isGone);
    if (conflict) {
      return failure({ kind: 'resourceBusy', resource: conflict.resource, row: { ...conflict } });
    }
    for (const resource of request.resources) {
      this.db.locks.set(resource, {
        resource,
        holder_id: request.holderId,
        holder: request.holder,
        sequence: request.sequence,
        acquired_at: request.now,
        renewed_at: request.now,
        expires_at: request.expiresAt,
      });
    }
    return success(undefined);
  }

  async renewLocks(
    holderId: string,
    resources: readonly string[],
    now: number,
    expiresAt: number,
  ): StorageAnswer<void> {
    const lost = resources.find((r) => this.db.locks.get(r)?.holder_id !== holderId);
    if (lost !== undefined) return failure({ kind: 'lockLost', resource: lost });
    for (const resource of resources) {
      const row = this.db.locks.get(resource)!;
      row.renewed_at = now;
      row.expires_at = expiresAt;
    }
    return success(undefined);
  }

  async releaseLocks(holderId: string, resources: readonly string[] | 'all'): Promise<void> {
    for (const [resource, row] of this.db.locks) {
      if (row.holder_id === holderId && (resources === 'all' || resources.includes(resource))) {
        this.db.locks.delete(resource);
      }
    }
  }

  async listLocks(): Promise<StoredLockRow[]> {
    return [...this.db.locks.values()].map((row) => ({ ...row }));
  }

  async probeLock(): Promise<boolean | undefined> {
    return undefined;
  }

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  async insertQueuedRun(
    row: Omit<StoredQueuedRunRow, 'position'>,
  ): StorageAnswer<StoredQueuedRunRow> {
    let last = -1;
    for (const r of this.db.queue.values()) last = Math.max(last, r.position);
    const stored = { ...row, position: last + 1 };
    this.db.queue.set(row.id, stored);
    return success({ ...stored });
  }

  async listQueuedRuns(states: readonly string[] | null): Promise<StoredQueuedRunRow[]> {
    return [...this.db.queue.values()]
      .filter((r) => states === null || states.includes(r.state))
      .sort((a, b) => a.position - b.position)
      .map((r) => ({ ...r }));
  }

  async updateQueuedRun(
    id: string,
    state: string,
    startedAt: number | null,
    endedAt: number | null,
    error: string | null,
  ): StorageAnswer<StoredQueuedRunRow> {
    const row = this.db.queue.get(id);
    if (!row) return failure({ kind: 'queuedRunNotFound', id });
    row.state = state;
    if (startedAt !== null) row.started_at = startedAt;
    if (endedAt !== null) row.ended_at = endedAt;
    if (error !== null) row.error = error;
    return success({ ...row });
  }

  async setQueuedRunPositions(ids: readonly string[]): StorageAnswer<void> {
    const missing = ids.find((id) => !this.db.queue.has(id));
    if (missing !== undefined) return failure({ kind: 'queuedRunNotFound', id: missing });
    ids.forEach((id, position) => {
      this.db.queue.get(id)!.position = position;
    });
    return success(undefined);
  }

  async insertAuditEntry(row: Omit<StoredAuditRow, 'id'>): StorageAnswer<StoredAuditRow> {
    const stored = { ...row, id: this.db.audit.length + 1 };
    this.db.audit.push(stored);
    return success({ ...stored });
  }

  async auditEntries(afterId: number, limit: number): Promise<StoredAuditRow[]> {
    return this.db.audit
      .filter((r) => r.id > afterId)
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  async putApiToken(row: StoredApiTokenRow): StorageAnswer<void> {
    this.db.tokens.set(row.id, { ...row });
    return success(undefined);
  }

  async listApiTokens(): Promise<StoredApiTokenRow[]> {
    return [...this.db.tokens.values()].map((r) => ({ ...r }));
  }

  async deleteApiToken(id: string): StorageAnswer<boolean> {
    return success(this.db.tokens.delete(id));
  }
}

/** The data of a stored shot as rows; arrays are copies. */
function dataRows(shot: PreparedShot): StoredDataRow[] {
  return [
    ...shot.structured.map((d) => ({ label: d.label, content: d.content })),
    ...shot.arrays.map((a) => ({ ...a, bytes: a.bytes.slice() })),
  ];
}

const databases = new WeakMap<MemorySessionStorage, MemoryDatabase>();

/**
 * A {@link SessionStorage} that keeps everything in memory: for tests and demos. It is core's
 * `EncodedSessionStorage` over maps, so it checks input, applies the refusal rules and stores the
 * same encoded forms (JSON text, copied array bytes) as the SQLite and PostgreSQL backends: what it
 * accepts, refuses and returns is what a database would. It passes the same conformance suite.
 */
export class MemorySessionStorage extends EncodedSessionStorage implements SessionStorage {
  constructor(options: MemorySessionStorageOptions = {}) {
    const database = options.shareWith
      ? databases.get(options.shareWith)!
      : {
          nodes: new Map(),
          settings: new Map(),
          devices: new Map(),
          queue: new Map(),
          audit: [],
          tokens: new Map(),
          locks: new Map(),
          lastEventId: 0,
        };
    super('memory', 'memory', new MemoryBackend(database), 'memory storage');
    databases.set(this, database);
  }
}
