import type Database from 'better-sqlite3';
// Types only from the core barrel: this file also runs in the writer worker, which must not load all
// of @shotline/core; the refusal rules come from its dependency-free `storage-rules` entry.
import type {
  EncodedLockRequest,
  EncodedSequenceEvent,
  StoredSequenceEventRow,
  EncodedPreparingSnapshot,
  EncodedSequenceDraft,
  PreparedShot,
  StorageOutcome,
  StoredApiTokenRow,
  StoredAuditRow,
  StoredDataRow,
  StoredDeviceRow,
  StoredQueuedRunRow,
  StoredSequenceRow,
  StoredSequenceStatsRow,
  StoredShotRow,
  StoredShotTableRows,
  StoredSnapshotRow,
  StoredLockRow,
} from '@shotline/core';
import {
  STORAGE_ROOT_PATH as ROOT,
  SEQUENCE_DRAFT_RESET,
  SEQUENCE_TRANSITION_COLUMNS,
  type SequenceTransitionChanges,
  type StorageStatePolicy,
  type StorageTransition,
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
  storageDescendantRange,
  storageFailure as failure,
  storageParentPath,
  storagePathChain,
  storageRefusal as refused,
  storageSuccess as success,
  storedNodeKind as kindOf,
  transitionRefusal,
  transitionTarget,
} from '@shotline/core/storage-rules';
import type { ChunkedArrayData } from './chunks/chunk-writer.js';
import type { ChunkReader } from './chunks/chunk-reader.js';

type Outcome<T> = StorageOutcome<T>;

const QUEUED_RUN_COLUMNS =
  'id, position, sequence, submitted_by, submitted_at, options, state, started_at, ended_at, error';

interface NodeRow {
  id: number;
  created_at: number;
  sequence_id: number | null;
  state: string | null;
}

interface SequenceRef {
  id: number;
  state: string;
  expected_shots: number | null;
}

/** An array row as read, with where its bytes are when they live in a chunk file. */
interface ArrayRow {
  label: string;
  dtype: string;
  shape: string;
  bytes: Uint8Array;
  chunk_file: string | null;
  chunk_offset: number;
  byte_length: number;
  crc32: number;
}

const ARRAY_COLUMNS = `a.label AS label, a.dtype AS dtype, a.shape AS shape, a.bytes AS bytes,
  c.chunk_file AS chunk_file, c.chunk_offset AS chunk_offset, c.byte_length AS byte_length,
  c.crc32 AS crc32
  FROM shot_array_data a LEFT JOIN shot_array_chunks c ON c.array_id = a.id`;

/** The bytes of an array kept in a chunk file: an empty blob in its row. */
const EMPTY_BYTES = new Uint8Array(0);

/** Thrown inside a transaction to roll it back after a failure outcome. */
class Rollback extends Error {}
const ROLLBACK = new Rollback('rollback');

/**
 * Every storage operation as synchronous SQL on one better-sqlite3 connection. Paths are validated
 * path strings, times are milliseconds and JSON is text (encoded by core's helpers on the main
 * thread); refusals are decided by core's storage rules and returned as StorageFailure data. Each
 * write runs in one `BEGIN IMMEDIATE` transaction (a savepoint when nested in a group commit) and
 * checks everything before writing, and a failure rolls back, so nothing is ever half-written.
 * Reads run in one read transaction, so they see a consistent snapshot.
 */
export class SessionDatabase {
  private readonly statements = new Map<string, Database.Statement>();

  /**
   * @param chunks reads the arrays kept in chunk files (the main thread's database); a writer's
   *   database never reads arrays
   */
  constructor(
    readonly db: Database.Database,
    private readonly policy: StorageStatePolicy,
    private readonly chunks?: ChunkReader,
  ) {}

  /** An array row as stored data, its bytes read from its chunk file when they are there. */
  private arrayData(row: ArrayRow, sequence: string, shot: number): StoredDataRow {
    const { label, dtype, shape } = row;
    if (row.chunk_file === null) return { label, dtype, shape, bytes: row.bytes };
    if (this.chunks === undefined) throw new Error('this connection does not read chunk files');
    const reference = {
      file: row.chunk_file,
      offset: row.chunk_offset,
      length: row.byte_length,
      crc32: row.crc32,
    };
    return { label, dtype, shape, bytes: this.chunks.read(reference, { sequence, shot, label }) };
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in a write transaction; a failure outcome or an exception rolls it back. */
  private write<T>(fn: () => Outcome<T>): Outcome<T> {
    let outcome: Outcome<T> | undefined;
    try {
      this.db
        .transaction(() => {
          outcome = fn();
          if (!outcome.ok) throw ROLLBACK;
        })
        .immediate();
    } catch (e) {
      if (e !== ROLLBACK) throw e;
    }
    return outcome!;
  }

  /** Runs `fn` in a read transaction (one consistent snapshot). */
  private read<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /** Runs several writes in one transaction, each in its own savepoint (group commit). */
  group<T>(fns: (() => T)[]): (T | { thrown: unknown })[] {
    const results: (T | { thrown: unknown })[] = [];
    this.db
      .transaction(() => {
        for (const fn of fns) {
          try {
            results.push(fn());
          } catch (e) {
            results.push({ thrown: e });
          }
        }
      })
      .immediate();
    return results;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private node(path: string): NodeRow | undefined {
    return this.stmt(
      `SELECT p.id AS id, p.created_at AS created_at, s.id AS sequence_id, s.state AS state
       FROM paths p LEFT JOIN sequences s ON s.path_id = p.id WHERE p.path = ?`,
    ).get(path) as NodeRow | undefined;
  }

  private hasChildren(id: number): boolean {
    return this.stmt('SELECT 1 FROM paths WHERE parent_id = ? LIMIT 1').get(id) !== undefined;
  }

  private subtreeSequences(path: string): { path: string; state: string }[] {
    const [lo, hi] = storageDescendantRange(path);
    return this.stmt(
      `SELECT p.path AS path, s.state AS state FROM paths p JOIN sequences s ON s.path_id = p.id
       WHERE p.path = ? OR (p.path >= ? AND p.path < ?) ORDER BY p.path`,
    ).all(path, lo, hi) as { path: string; state: string }[];
  }

  private sequenceRef(path: string): Outcome<SequenceRef> {
    const row = this.stmt(
      `SELECT s.id AS id, s.state AS state, s.expected_shots AS expected_shots
       FROM paths p LEFT JOIN sequences s ON s.path_id = p.id WHERE p.path = ?`,
    ).get(path) as { id: number | null; state: string; expected_shots: number | null } | undefined;
    const kind = row === undefined ? undefined : row.id === null ? 'folder' : 'sequence';
    return refused(sequenceLookupRefusal(path, kind)) ?? success(row as SequenceRef);
  }

  private shotId(path: string, index: number): Outcome<number> {
    const ref = this.sequenceRef(path);
    if (!ref.ok) return ref;
    const row = this.stmt('SELECT id FROM shots WHERE sequence_id = ? AND idx = ?').get(
      ref.value.id,
      index,
    ) as { id: number } | undefined;
    return row === undefined ? failure({ kind: 'shotNotFound', path, index }) : success(row.id);
  }

  /** Creates the missing folders down to `path`; refuses to cross a sequence (reported for `reportAs`). */
  private createFolders(path: string, createdAt: number, reportAs = path): Outcome<string[]> {
    const chain = storagePathChain(path);
    const nodes = chain.map((p) => this.node(p));
    const crossing = refused(folderChainRefusal(reportAs, chain, nodes.map(kindOf)));
    if (crossing) return crossing;
    const created: string[] = [];
    let parentId: number | null = null;
    chain.forEach((p, i) => {
      const existing = nodes[i];
      if (existing !== undefined) {
        parentId = existing.id;
        return;
      }
      const info = this.stmt(
        'INSERT INTO paths (path, parent_id, created_at) VALUES (?, ?, ?)',
      ).run(p, parentId, createdAt);
      parentId = Number(info.lastInsertRowid);
      created.push(p);
    });
    return success(created);
  }

  private insertSequence(
    path: string,
    draft: EncodedSequenceDraft,
    createdAt: number,
  ): Outcome<void> {
    const parentKinds = storagePathChain(storageParentPath(path)).map((p) => kindOf(this.node(p)));
    const existing = path === ROOT ? undefined : this.node(path);
    const refusal = newSequenceRefusal(
      path,
      parentKinds,
      kindOf(existing),
      existing !== undefined && this.hasChildren(existing.id),
    );
    if (refusal) return failure(refusal);
    if (existing === undefined) {
      const created = this.createFolders(path, createdAt);
      if (!created.ok) return created;
    }
    const pathId = existing?.id ?? this.node(path)!.id;
    this.stmt(
      `INSERT INTO sequences (path_id, state, iteration, time_lanes, expected_shots, suspenders)
       VALUES (?, 'draft', ?, ?, ?, ?)`,
    ).run(pathId, draft.iteration, draft.timeLanes, draft.expectedShots, draft.suspenders);
    return success(undefined);
  }

  private insertEvent(sequenceId: number, event: EncodedSequenceEvent): number {
    return Number(
      this.stmt(
        'INSERT INTO sequence_events (sequence_id, time, kind, content) VALUES (?, ?, ?, ?)',
      ).run(sequenceId, event.time, event.kind, event.content).lastInsertRowid,
    );
  }

  private transition(
    path: string,
    transition: StorageTransition,
    changes: SequenceTransitionChanges,
    after?: (sequenceId: number) => void,
  ): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const from = ref.value.state;
      const refusal = refused(transitionRefusal(path, from, transition, this.policy));
      if (refusal) return refusal;
      const to = transitionTarget(transition, this.policy);
      const columns = SEQUENCE_TRANSITION_COLUMNS.filter((c) => c in changes);
      const assignments = ['state = ?', ...columns.map((c) => `${c} = ?`)].join(', ');
      const info = this.stmt(`UPDATE sequences SET ${assignments} WHERE id = ? AND state = ?`).run(
        to,
        ...columns.map((c) => changes[c] ?? null),
        ref.value.id,
        from,
      );
      if (info.changes !== 1) throw new Error(`sequence "${path}" changed during its transition`);
      after?.(ref.value.id);
      return success(undefined);
    });
  }

  // ---- path tree -------------------------------------------------------------------------------

  pathExists(path: string): boolean {
    return path === ROOT || this.node(path) !== undefined;
  }

  createPath(path: string, createdAt: number): Outcome<string[]> {
    return this.write(() => this.createFolders(path, createdAt));
  }

  deletePath(path: string, deleteSequences: boolean): Outcome<void> {
    return this.write(() => {
      const node = path === ROOT ? undefined : this.node(path);
      const sequences = node === undefined ? [] : this.subtreeSequences(path);
      const refusal = refused(
        deletePathRefusal(path, node !== undefined, sequences, deleteSequences, this.policy),
      );
      if (refusal) return refusal;
      this.stmt('DELETE FROM paths WHERE id = ?').run(node!.id);
      return success(undefined);
    });
  }

  children(path: string): Outcome<string[]> {
    return this.read(() => {
      if (path === ROOT) {
        return success(
          this.stmt('SELECT path FROM paths WHERE parent_id IS NULL').pluck().all() as string[],
        );
      }
      const node = this.node(path);
      const refusal = refused(childrenRefusal(path, kindOf(node)));
      if (refusal) return refusal;
      return success(
        this.stmt('SELECT path FROM paths WHERE parent_id = ?').pluck().all(node!.id) as string[],
      );
    });
  }

  creationDate(path: string): Outcome<number> {
    if (path === ROOT) return failure({ kind: 'pathIsRoot', path });
    const node = this.node(path);
    return node === undefined ? failure({ kind: 'pathNotFound', path }) : success(node.created_at);
  }

  movePath(source: string, destination: string, now: number): Outcome<void> {
    return this.write(() => {
      const node = source === ROOT ? undefined : this.node(source);
      const sequences = node === undefined ? [] : this.subtreeSequences(source);
      const destinationExists = destination !== ROOT && this.node(destination) !== undefined;
      const refusal = refused(
        movePathRefusal(
          source,
          destination,
          node !== undefined,
          sequences,
          destinationExists,
          this.policy,
        ),
      );
      if (refusal) return refusal;
      const parent = storageParentPath(destination);
      const created = this.createFolders(parent, now, destination);
      if (!created.ok) return created;
      const parentId = parent === ROOT ? null : this.node(parent)!.id;
      const [lo, hi] = storageDescendantRange(source);
      // length() and substr() both count characters, so this is right for any text.
      this.stmt(
        'UPDATE paths SET path = ? || substr(path, length(?) + 1) WHERE path >= ? AND path < ?',
      ).run(destination, source, lo, hi);
      this.stmt('UPDATE paths SET path = ?, parent_id = ? WHERE id = ?').run(
        destination,
        parentId,
        node!.id,
      );
      return success(undefined);
    });
  }

  isSequence(path: string): Outcome<boolean> {
    if (path === ROOT) return success(false);
    const node = this.node(path);
    return node === undefined
      ? failure({ kind: 'pathNotFound', path })
      : success(node.sequence_id !== null);
  }

  sequencesUnder(path: string): Outcome<string[]> {
    return this.read(() => {
      if (path !== ROOT && this.node(path) === undefined) {
        return failure({ kind: 'pathNotFound', path });
      }
      return success(this.subtreeSequences(path).map((s) => s.path));
    });
  }

  sequencesInState(state: string): string[] {
    return this.stmt(
      'SELECT p.path FROM sequences s JOIN paths p ON p.id = s.path_id WHERE s.state = ?',
    )
      .pluck()
      .all(state) as string[];
  }

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(path: string, draft: EncodedSequenceDraft, createdAt: number): Outcome<void> {
    return this.write(() => this.insertSequence(path, draft, createdAt));
  }

  duplicateSequence(source: string, destination: string, createdAt: number): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(source);
      if (!ref.ok) return ref;
      const row = this.stmt(
        'SELECT iteration, time_lanes, expected_shots, suspenders FROM sequences WHERE id = ?',
      ).get(ref.value.id) as {
        iteration: string;
        time_lanes: string;
        expected_shots: number | null;
        suspenders: string;
      };
      return this.insertSequence(
        destination,
        {
          iteration: row.iteration,
          timeLanes: row.time_lanes,
          expectedShots: row.expected_shots,
          suspenders: row.suspenders,
        },
        createdAt,
      );
    });
  }

  getSequence(path: string): Outcome<StoredSequenceRow> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      return success(
        this.stmt(
          `SELECT p.created_at AS created_at, s.state AS state, s.iteration AS iteration,
             s.time_lanes AS time_lanes, s.expected_shots AS expected_shots, s.globals AS globals,
             s.device_configurations AS device_configurations, s.error AS error, s.owner AS owner,
             s.suspenders AS suspenders, s.start_time AS start_time, s.stop_time AS stop_time,
             (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
           FROM sequences s JOIN paths p ON p.id = s.path_id WHERE s.id = ?`,
        ).get(ref.value.id) as StoredSequenceRow,
      );
    });
  }

  getStats(path: string): Outcome<StoredSequenceStatsRow> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      return success(
        this.stmt(
          `SELECT state, expected_shots, start_time, stop_time,
             (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
           FROM sequences s WHERE s.id = ?`,
        ).get(ref.value.id) as StoredSequenceStatsRow,
      );
    });
  }

  setIteration(path: string, iteration: string, expectedShots: number | null): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const refusal = refused(editRefusal(path, ref.value.state, this.policy));
      if (refusal) return refusal;
      this.stmt('UPDATE sequences SET iteration = ?, expected_shots = ? WHERE id = ?').run(
        iteration,
        expectedShots,
        ref.value.id,
      );
      return success(undefined);
    });
  }

  setTimeLanes(path: string, timeLanes: string): Outcome<void> {
    return this.editColumn(path, 'time_lanes', timeLanes);
  }

  setSuspenders(path: string, suspenders: string): Outcome<void> {
    return this.editColumn(path, 'suspenders', suspenders);
  }

  private editColumn(path: string, column: 'time_lanes' | 'suspenders', value: string) {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const refusal = refused(editRefusal(path, ref.value.state, this.policy));
      if (refusal) return refusal;
      this.stmt(`UPDATE sequences SET ${column} = ? WHERE id = ?`).run(value, ref.value.id);
      return success(undefined);
    });
  }

  setPreparing(path: string, snapshot: EncodedPreparingSnapshot): Outcome<void> {
    return this.transition(path, 'prepare', sequencePreparingChanges(snapshot));
  }

  setContinuing(path: string, owner: string, event: EncodedSequenceEvent): Outcome<void> {
    return this.transition(path, 'continue', sequenceContinuingChanges(owner), (id) =>
      this.insertEvent(id, event),
    );
  }

  setRunning(path: string, startTime: number): Outcome<void> {
    return this.transition(path, 'run', { start_time: startTime });
  }

  setPaused(path: string, event: EncodedSequenceEvent): Outcome<void> {
    return this.transition(path, 'pause', {}, (id) => this.insertEvent(id, event));
  }

  setResumed(path: string, event: EncodedSequenceEvent, globals: string | null): Outcome<void> {
    return this.transition(path, 'resume', globals === null ? {} : { globals }, (id) =>
      this.insertEvent(id, event),
    );
  }

  setFinished(path: string, stopTime: number): Outcome<void> {
    return this.transition(path, 'finish', { stop_time: stopTime });
  }

  setInterrupted(path: string, stopTime: number): Outcome<void> {
    return this.transition(path, 'interrupt', { stop_time: stopTime });
  }

  setCrashed(path: string, error: string, stopTime: number): Outcome<void> {
    return this.transition(path, 'crash', { error, stop_time: stopTime });
  }

  resetToDraft(path: string): Outcome<void> {
    return this.transition(path, 'reset', SEQUENCE_DRAFT_RESET, (id) => {
      this.stmt('DELETE FROM shots WHERE sequence_id = ?').run(id);
      this.stmt('DELETE FROM sequence_events WHERE sequence_id = ?').run(id);
    });
  }

  // ---- events of a run -------------------------------------------------------------------------

  addSequenceEvent(path: string, event: EncodedSequenceEvent): Outcome<number> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      if (ref.value.state === 'draft') return failure({ kind: 'notLaunched', path });
      return success(this.insertEvent(ref.value.id, event));
    });
  }

  sequenceEvents(path: string, afterId: number): Outcome<StoredSequenceEventRow[]> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      return success(
        this.stmt(
          'SELECT id, time, kind, content FROM sequence_events WHERE sequence_id = ? AND id > ? ORDER BY id',
        ).all(ref.value.id, afterId) as StoredSequenceEventRow[],
      );
    });
  }

  getError(path: string): Outcome<string> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const error = this.stmt('SELECT error FROM sequences WHERE id = ?')
        .pluck()
        .get(ref.value.id) as string | null;
      return refused(crashedRefusal(path, ref.value.state, error)) ?? success(error!);
    });
  }

  getSnapshot(path: string): Outcome<StoredSnapshotRow> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const row = this.stmt(
        'SELECT globals, device_configurations FROM sequences WHERE id = ?',
      ).get(ref.value.id) as { globals: string | null; device_configurations: string | null };
      return (
        refused(launchedRefusal(path, row.globals, row.device_configurations)) ??
        success({ globals: row.globals!, deviceConfigurations: row.device_configurations! })
      );
    });
  }

  // ---- shots -----------------------------------------------------------------------------------

  createShots(path: string, shots: PreparedShot[]): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const { id, state, expected_shots: expected } = ref.value;
      const exists = this.stmt('SELECT 1 FROM shots WHERE sequence_id = ? AND idx = ?');
      const refusal = refused(
        shotsRefusal(
          path,
          state,
          expected,
          shots.map((s) => s.index),
          (index) => exists.get(id, index) !== undefined,
        ),
      );
      if (refusal) return refusal;
      const insertShot = this.stmt(
        `INSERT INTO shots (sequence_id, idx, start_time, end_time, parameters, timing)
         VALUES (?, ?, ?, ?, ?, ?)`,
      );
      const insertStructured = this.stmt(
        'INSERT INTO shot_structured_data (shot_id, label, content) VALUES (?, ?, ?)',
      );
      const insertArray = this.stmt(
        'INSERT INTO shot_array_data (shot_id, label, dtype, shape, bytes) VALUES (?, ?, ?, ?, ?)',
      );
      const insertChunk = this.stmt(
        `INSERT INTO shot_array_chunks (array_id, chunk_file, chunk_offset, byte_length, crc32)
         VALUES (?, ?, ?, ?, ?)`,
      );
      for (const shot of shots) {
        const shotId = insertShot.run(
          id,
          shot.index,
          shot.startTime,
          shot.endTime,
          shot.parameters,
          shot.timing,
        ).lastInsertRowid;
        for (const d of shot.structured) insertStructured.run(shotId, d.label, d.content);
        for (const a of shot.arrays as ChunkedArrayData[]) {
          // Arrays written to a chunk file before this transaction (chunks/chunk-writer.ts).
          const chunk = a.chunk;
          const bytes = chunk === undefined ? a.bytes : EMPTY_BYTES;
          const arrayId = insertArray.run(shotId, a.label, a.dtype, a.shape, bytes).lastInsertRowid;
          if (chunk === undefined) continue;
          insertChunk.run(arrayId, chunk.file, chunk.offset, chunk.length, chunk.crc32);
        }
      }
      return success(undefined);
    });
  }

  shotIndices(path: string): Outcome<number[]> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      return success(
        this.stmt('SELECT idx FROM shots WHERE sequence_id = ? ORDER BY idx')
          .pluck()
          .all(ref.value.id) as number[],
      );
    });
  }

  getShot(path: string, index: number): Outcome<StoredShotRow> {
    return this.read(() => {
      const shotId = this.shotId(path, index);
      if (!shotId.ok) return shotId;
      const row = this.stmt(
        'SELECT start_time, end_time, parameters, timing FROM shots WHERE id = ?',
      ).get(shotId.value) as Omit<StoredShotRow, 'labels'>;
      const labels = this.stmt(
        `SELECT label FROM shot_structured_data WHERE shot_id = ?
         UNION ALL SELECT label FROM shot_array_data WHERE shot_id = ?`,
      )
        .pluck()
        .all(shotId.value, shotId.value) as string[];
      return success({ ...row, labels });
    });
  }

  getShotData(path: string, index: number, label: string): Outcome<StoredDataRow> {
    return this.read(() => {
      const shotId = this.shotId(path, index);
      if (!shotId.ok) return shotId;
      const structured = this.stmt(
        'SELECT label, content FROM shot_structured_data WHERE shot_id = ? AND label = ?',
      ).get(shotId.value, label) as StoredDataRow | undefined;
      if (structured !== undefined) return success(structured);
      const array = this.stmt(`SELECT ${ARRAY_COLUMNS} WHERE a.shot_id = ? AND a.label = ?`).get(
        shotId.value,
        label,
      ) as ArrayRow | undefined;
      return array === undefined
        ? failure({ kind: 'dataNotFound', path, index, label })
        : success(this.arrayData(array, path, index));
    });
  }

  getAllShotData(path: string, index: number): Outcome<StoredDataRow[]> {
    return this.read(() => {
      const shotId = this.shotId(path, index);
      if (!shotId.ok) return shotId;
      const structured = this.stmt(
        'SELECT label, content FROM shot_structured_data WHERE shot_id = ?',
      ).all(shotId.value) as StoredDataRow[];
      const arrays = (
        this.stmt(`SELECT ${ARRAY_COLUMNS} WHERE a.shot_id = ?`).all(shotId.value) as ArrayRow[]
      ).map((row) => this.arrayData(row, path, index));
      return success([...structured, ...arrays]);
    });
  }

  /** The rows readShotTable needs; `labels` null means every structured label, [] none. */
  shotTableRows(path: string, labels: string[] | null): Outcome<StoredShotTableRows> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const shots = this.stmt(
        'SELECT idx, start_time, end_time, parameters FROM shots WHERE sequence_id = ? ORDER BY idx',
      )
        .raw()
        .all(ref.value.id) as StoredShotTableRows['shots'];
      let data: StoredShotTableRows['data'] = [];
      if (labels === null) {
        data = this.stmt(
          `SELECT s.idx, d.label, d.content FROM shot_structured_data d
           JOIN shots s ON s.id = d.shot_id WHERE s.sequence_id = ?`,
        )
          .raw()
          .all(ref.value.id) as StoredShotTableRows['data'];
      } else if (labels.length > 0) {
        data = this.stmt(
          `SELECT s.idx, d.label, d.content FROM shot_structured_data d
           JOIN shots s ON s.id = d.shot_id
           WHERE s.sequence_id = ? AND d.label IN (SELECT value FROM json_each(?))`,
        )
          .raw()
          .all(ref.value.id, JSON.stringify(labels)) as StoredShotTableRows['data'];
      }
      return success({ shots, data });
    });
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  getSetting(name: string): string | undefined {
    return this.stmt('SELECT content FROM settings WHERE name = ?').pluck().get(name) as
      string | undefined;
  }

  setSetting(name: string, content: string): Outcome<void> {
    return this.write(() => {
      this.stmt(
        `INSERT INTO settings (name, content) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET content = excluded.content`,
      ).run(name, content);
      return success(undefined);
    });
  }

  listDevices(): StoredDeviceRow[] {
    return this.stmt(
      'SELECT name, type, content FROM device_configurations',
    ).all() as StoredDeviceRow[];
  }

  getDevice(name: string): Outcome<StoredDeviceRow> {
    const row = this.stmt(
      'SELECT name, type, content FROM device_configurations WHERE name = ?',
    ).get(name) as StoredDeviceRow | undefined;
    return row === undefined ? failure({ kind: 'deviceNotFound', name }) : success(row);
  }

  setDevice(name: string, type: string, content: string): Outcome<void> {
    return this.write(() => {
      this.stmt(
        `INSERT INTO device_configurations (name, type, content) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET type = excluded.type, content = excluded.content`,
      ).run(name, type, content);
      return success(undefined);
    });
  }

  deleteDevice(name: string): Outcome<void> {
    return this.write(() => {
      const info = this.stmt('DELETE FROM device_configurations WHERE name = ?').run(name);
      return info.changes === 0 ? failure({ kind: 'deviceNotFound', name }) : success(undefined);
    });
  }

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  insertQueuedRun(row: Omit<StoredQueuedRunRow, 'position'>): Outcome<StoredQueuedRunRow> {
    return this.write(() => {
      const position = this.stmt('SELECT COALESCE(MAX(position), -1) + 1 FROM queued_runs')
        .pluck()
        .get() as number;
      this.stmt(
        `INSERT INTO queued_runs (${QUEUED_RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        row.id,
        position,
        row.sequence,
        row.submitted_by,
        row.submitted_at,
        row.options,
        row.state,
        row.started_at,
        row.ended_at,
        row.error,
      );
      return success({ ...row, position });
    });
  }

  listQueuedRuns(states: readonly string[] | null): StoredQueuedRunRow[] {
    return (
      states === null
        ? this.stmt(`SELECT ${QUEUED_RUN_COLUMNS} FROM queued_runs ORDER BY position`).all()
        : this.stmt(
            `SELECT ${QUEUED_RUN_COLUMNS} FROM queued_runs
             WHERE state IN (SELECT value FROM json_each(?)) ORDER BY position`,
          ).all(JSON.stringify(states))
    ) as StoredQueuedRunRow[];
  }

  updateQueuedRun(
    id: string,
    state: string,
    startedAt: number | null,
    endedAt: number | null,
    error: string | null,
  ): Outcome<StoredQueuedRunRow> {
    return this.write(() => {
      const info = this.stmt(
        `UPDATE queued_runs SET state = ?, started_at = COALESCE(?, started_at),
           ended_at = COALESCE(?, ended_at), error = COALESCE(?, error) WHERE id = ?`,
      ).run(state, startedAt, endedAt, error, id);
      if (info.changes === 0) return failure({ kind: 'queuedRunNotFound', id });
      return success(
        this.stmt(`SELECT ${QUEUED_RUN_COLUMNS} FROM queued_runs WHERE id = ?`).get(
          id,
        ) as StoredQueuedRunRow,
      );
    });
  }

  setQueuedRunPositions(ids: readonly string[]): Outcome<void> {
    return this.write(() => {
      const update = this.stmt('UPDATE queued_runs SET position = ? WHERE id = ?');
      for (const [position, id] of ids.entries()) {
        if (update.run(position, id).changes === 0) {
          return failure({ kind: 'queuedRunNotFound', id });
        }
      }
      return success(undefined);
    });
  }

  insertAuditEntry(row: Omit<StoredAuditRow, 'id'>): Outcome<StoredAuditRow> {
    return this.write(() => {
      const info = this.stmt(
        'INSERT INTO audit_log (time, actor, action, target, details) VALUES (?, ?, ?, ?, ?)',
      ).run(row.time, row.actor, row.action, row.target, row.details);
      return success({ ...row, id: Number(info.lastInsertRowid) });
    });
  }

  auditEntries(afterId: number, limit: number): StoredAuditRow[] {
    return this.stmt(
      'SELECT id, time, actor, action, target, details FROM audit_log WHERE id > ? ORDER BY id LIMIT ?',
    ).all(afterId, limit) as StoredAuditRow[];
  }

  putApiToken(row: StoredApiTokenRow): Outcome<void> {
    return this.write(() => {
      this.stmt(
        `INSERT INTO api_tokens (id, user_name, scopes, salt, hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, scopes = excluded.scopes,
           salt = excluded.salt, hash = excluded.hash, created_at = excluded.created_at`,
      ).run(row.id, row.user_name, row.scopes, row.salt, row.hash, row.created_at);
      return success(undefined);
    });
  }

  listApiTokens(): StoredApiTokenRow[] {
    return this.stmt(
      'SELECT id, user_name, scopes, salt, hash, created_at FROM api_tokens ORDER BY user_name, id',
    ).all() as StoredApiTokenRow[];
  }

  deleteApiToken(id: string): Outcome<boolean> {
    return this.write(() =>
      success(this.stmt('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0),
    );
  }

  // ---- run ownership ---------------------------------------------------------------------------

  /** The lock rows of these resources (`'all'`: every row). */
  lockRows(resources: readonly string[] | 'all'): StoredLockRow[] {
    if (resources === 'all') {
      return this.stmt('SELECT * FROM resource_locks ORDER BY resource').all() as StoredLockRow[];
    }
    return this.stmt(
      'SELECT * FROM resource_locks WHERE resource IN (SELECT value FROM json_each(?)) ORDER BY resource',
    ).all(JSON.stringify(resources)) as StoredLockRow[];
  }

  /**
   * Records the locks of a request, replacing the rows of their resources: the caller holds the
   * operating-system locks, so any other row for them is stale.
   */
  writeLocks(request: EncodedLockRequest): Outcome<void> {
    return this.write(() => {
      const upsert = this.stmt(
        `INSERT INTO resource_locks
           (resource, holder_id, holder, sequence, acquired_at, renewed_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (resource) DO UPDATE SET holder_id = excluded.holder_id,
           holder = excluded.holder, sequence = excluded.sequence,
           acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at,
           expires_at = excluded.expires_at`,
      );
      for (const resource of request.resources) {
        upsert.run(
          resource,
          request.holderId,
          request.holder,
          request.sequence,
          request.now,
          request.now,
          request.expiresAt,
        );
      }
      return success(undefined);
    });
  }

  /** Extends the holder's locks; `lockLost` names one that is no longer the holder's. */
  renewLocks(
    holderId: string,
    resources: readonly string[],
    now: number,
    expiresAt: number,
  ): Outcome<void> {
    return this.write(() => {
      const renew = this.stmt(
        'UPDATE resource_locks SET renewed_at = ?, expires_at = ? WHERE resource = ? AND holder_id = ?',
      );
      for (const resource of resources) {
        if (renew.run(now, expiresAt, resource, holderId).changes === 0) {
          return failure({ kind: 'lockLost', resource });
        }
      }
      return success(undefined);
    });
  }

  /** Removes the holder's lock rows on these resources (`'all'`: all of them). */
  releaseLocks(holderId: string, resources: readonly string[] | 'all'): Outcome<void> {
    return this.write(() => {
      if (resources === 'all') {
        this.stmt('DELETE FROM resource_locks WHERE holder_id = ?').run(holderId);
      } else {
        this.stmt(
          'DELETE FROM resource_locks WHERE holder_id = ? AND resource IN (SELECT value FROM json_each(?))',
        ).run(holderId, JSON.stringify(resources));
      }
      return success(undefined);
    });
  }
}

/** The operations that write, which the writer worker runs (names of {@link SessionDatabase} methods). */
export const WRITE_OPERATIONS = [
  'createPath',
  'deletePath',
  'movePath',
  'createSequence',
  'duplicateSequence',
  'setIteration',
  'setTimeLanes',
  'setSuspenders',
  'setPreparing',
  'setContinuing',
  'setRunning',
  'setPaused',
  'setResumed',
  'setFinished',
  'setInterrupted',
  'setCrashed',
  'resetToDraft',
  'addSequenceEvent',
  'createShots',
  'setSetting',
  'setDevice',
  'deleteDevice',
  'insertQueuedRun',
  'updateQueuedRun',
  'setQueuedRunPositions',
  'insertAuditEntry',
  'putApiToken',
  'deleteApiToken',
  'writeLocks',
  'renewLocks',
  'releaseLocks',
] as const;

/** A write operation's name. */
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];
