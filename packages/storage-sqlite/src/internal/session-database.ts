import type Database from 'better-sqlite3';
// Types only: this file also runs in the writer worker, which must not load @shotline/core.
import type { PreparedShot } from '@shotline/core';
import { ROOT, ancestorsTopDown, descendantRange, parentOf } from './path-text.js';
import {
  type Outcome,
  type StatePolicy,
  type StorageFailure,
  failure,
  success,
} from './storage-failure.js';

/** A sequence row with its path, creation date and shot count. */
export interface SequenceRow {
  created_at: number;
  state: string;
  iteration: string;
  time_lanes: string;
  expected_shots: number | null;
  globals: string | null;
  device_configurations: string | null;
  error: string | null;
  owner: string | null;
  start_time: number | null;
  stop_time: number | null;
  completed: number;
}

/** A shot row without its data. */
export interface ShotRow {
  start_time: number;
  end_time: number;
  parameters: string;
  timing: string;
  labels: string[];
}

/** One stored data value: structured JSON, or an array's dtype, shape and bytes. */
export type DataRow =
  | { label: string; content: string }
  | { label: string; dtype: string; shape: string; bytes: Uint8Array };

/** Rows of {@link SessionDatabase.shotTableRows}: `[index, start, end, parameters]` and `[index, label, content]`. */
export interface ShotTableRows {
  shots: [number, number, number, string][];
  data: [number, string, string][];
}

/** Encoded draft fields (JSON text). */
export interface DraftColumns {
  iteration: string;
  timeLanes: string;
  expectedShots: number | null;
}

/** Encoded snapshot fields written at PREPARING. */
export interface SnapshotColumns {
  globals: string;
  deviceConfigurations: string;
  owner: string;
}

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

/** Thrown inside a transaction to roll it back after a failure outcome. */
class Rollback extends Error {}
const ROLLBACK = new Rollback('rollback');

const TRANSITION_COLUMNS = [
  'globals',
  'device_configurations',
  'owner',
  'error',
  'start_time',
  'stop_time',
] as const;
type TransitionColumn = (typeof TRANSITION_COLUMNS)[number];

/**
 * Every storage operation as synchronous SQL on one better-sqlite3 connection. Paths are validated
 * path strings, times are milliseconds and JSON is text (encoded by core's helpers on the main
 * thread); expected failures are returned as {@link StorageFailure} data. Each write runs in one
 * `BEGIN IMMEDIATE` transaction (a savepoint when nested in a group commit) and checks everything
 * before writing, and a failure rolls back, so nothing is ever half-written. Reads run in one read
 * transaction, so they see a consistent snapshot.
 */
export class SessionDatabase {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    private readonly policy: StatePolicy,
  ) {}

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
    const [lo, hi] = descendantRange(path);
    return this.stmt(
      `SELECT p.path AS path, s.state AS state FROM paths p JOIN sequences s ON s.path_id = p.id
       WHERE p.path = ? OR (p.path >= ? AND p.path < ?) ORDER BY p.path`,
    ).all(path, lo, hi) as { path: string; state: string }[];
  }

  private sequenceRef(path: string): Outcome<SequenceRef> {
    if (path === ROOT) return failure({ kind: 'pathIsNotSequence', path });
    const row = this.stmt(
      `SELECT s.id AS id, s.state AS state, s.expected_shots AS expected_shots
       FROM paths p LEFT JOIN sequences s ON s.path_id = p.id WHERE p.path = ?`,
    ).get(path) as { id: number | null; state: string; expected_shots: number | null } | undefined;
    if (row === undefined) return failure({ kind: 'pathNotFound', path });
    if (row.id === null) return failure({ kind: 'pathIsNotSequence', path });
    return success(row as SequenceRef);
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
    const chain = ancestorsTopDown(path);
    const nodes = chain.map((p) => this.node(p));
    const blocking = nodes.findIndex((n) => n?.sequence_id != null);
    if (blocking >= 0) {
      return failure({ kind: 'pathCrossesSequence', path: reportAs, sequence: chain[blocking]! });
    }
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

  private insertSequence(path: string, draft: DraftColumns, createdAt: number): Outcome<void> {
    if (path === ROOT) return failure({ kind: 'pathIsRoot', path });
    for (const ancestor of ancestorsTopDown(parentOf(path))) {
      if (this.node(ancestor)?.sequence_id != null) {
        return failure({ kind: 'pathCrossesSequence', path, sequence: ancestor });
      }
    }
    const existing = this.node(path);
    if (existing?.sequence_id != null) return failure({ kind: 'pathIsSequence', path });
    if (existing !== undefined && this.hasChildren(existing.id)) {
      return failure({ kind: 'pathHasChildren', path });
    }
    if (existing === undefined) {
      const created = this.createFolders(path, createdAt);
      if (!created.ok) return created;
    }
    const pathId = existing?.id ?? this.node(path)!.id;
    this.stmt(
      `INSERT INTO sequences (path_id, state, iteration, time_lanes, expected_shots)
       VALUES (?, 'draft', ?, ?, ?)`,
    ).run(pathId, draft.iteration, draft.timeLanes, draft.expectedShots);
    return success(undefined);
  }

  private transition(
    path: string,
    to: string,
    changes: Partial<Record<TransitionColumn, string | number | null>>,
    after?: (sequenceId: number) => void,
  ): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const from = ref.value.state;
      if (!(this.policy.allowedFrom[to] ?? []).includes(from)) {
        return failure({ kind: 'invalidTransition', path, from, to });
      }
      const columns = TRANSITION_COLUMNS.filter((c) => c in changes);
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
      if (path === ROOT) return failure({ kind: 'pathIsRoot', path });
      const node = this.node(path);
      if (node === undefined) return failure({ kind: 'pathNotFound', path });
      const sequences = this.subtreeSequences(path);
      if (sequences.length > 0 && !deleteSequences) {
        return failure({ kind: 'pathContainsSequences', path, example: sequences[0]!.path });
      }
      const running = sequences.find((s) => this.policy.active.includes(s.state));
      if (running !== undefined) return failure({ kind: 'sequenceRunning', path: running.path });
      this.stmt('DELETE FROM paths WHERE id = ?').run(node.id);
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
      if (node === undefined) return failure({ kind: 'pathNotFound', path });
      if (node.sequence_id !== null) return failure({ kind: 'pathIsSequence', path });
      return success(
        this.stmt('SELECT path FROM paths WHERE parent_id = ?').pluck().all(node.id) as string[],
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
      if (source === ROOT || destination === source || destination.startsWith(`${source}\\`)) {
        return failure({ kind: 'recursiveMove', source, destination });
      }
      const node = this.node(source);
      if (node === undefined) return failure({ kind: 'pathNotFound', path: source });
      const running = this.subtreeSequences(source).find((s) =>
        this.policy.active.includes(s.state),
      );
      if (running !== undefined) return failure({ kind: 'sequenceRunning', path: running.path });
      if (destination === ROOT || this.node(destination) !== undefined) {
        return failure({ kind: 'pathExists', path: destination });
      }
      const parent = parentOf(destination);
      const created = this.createFolders(parent, now, destination);
      if (!created.ok) return created;
      const parentId = parent === ROOT ? null : this.node(parent)!.id;
      const [lo, hi] = descendantRange(source);
      // length() and substr() both count characters, so this is right for any text.
      this.stmt(
        'UPDATE paths SET path = ? || substr(path, length(?) + 1) WHERE path >= ? AND path < ?',
      ).run(destination, source, lo, hi);
      this.stmt('UPDATE paths SET path = ?, parent_id = ? WHERE id = ?').run(
        destination,
        parentId,
        node.id,
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

  createSequence(path: string, draft: DraftColumns, createdAt: number): Outcome<void> {
    return this.write(() => this.insertSequence(path, draft, createdAt));
  }

  duplicateSequence(source: string, destination: string, createdAt: number): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(source);
      if (!ref.ok) return ref;
      const row = this.stmt(
        'SELECT iteration, time_lanes, expected_shots FROM sequences WHERE id = ?',
      ).get(ref.value.id) as {
        iteration: string;
        time_lanes: string;
        expected_shots: number | null;
      };
      return this.insertSequence(
        destination,
        { iteration: row.iteration, timeLanes: row.time_lanes, expectedShots: row.expected_shots },
        createdAt,
      );
    });
  }

  getSequence(path: string): Outcome<SequenceRow> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      return success(
        this.stmt(
          `SELECT p.created_at AS created_at, s.state AS state, s.iteration AS iteration,
             s.time_lanes AS time_lanes, s.expected_shots AS expected_shots, s.globals AS globals,
             s.device_configurations AS device_configurations, s.error AS error, s.owner AS owner,
             s.start_time AS start_time, s.stop_time AS stop_time,
             (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
           FROM sequences s JOIN paths p ON p.id = s.path_id WHERE s.id = ?`,
        ).get(ref.value.id) as SequenceRow,
      );
    });
  }

  getStats(
    path: string,
  ): Outcome<
    Pick<SequenceRow, 'state' | 'expected_shots' | 'start_time' | 'stop_time' | 'completed'>
  > {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      return success(
        this.stmt(
          `SELECT state, expected_shots, start_time, stop_time,
             (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
           FROM sequences s WHERE s.id = ?`,
        ).get(ref.value.id) as SequenceRow,
      );
    });
  }

  setIteration(path: string, iteration: string, expectedShots: number | null): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      if (!this.policy.editable.includes(ref.value.state)) {
        return failure({ kind: 'notEditable', path, state: ref.value.state });
      }
      this.stmt('UPDATE sequences SET iteration = ?, expected_shots = ? WHERE id = ?').run(
        iteration,
        expectedShots,
        ref.value.id,
      );
      return success(undefined);
    });
  }

  setTimeLanes(path: string, timeLanes: string): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      if (!this.policy.editable.includes(ref.value.state)) {
        return failure({ kind: 'notEditable', path, state: ref.value.state });
      }
      this.stmt('UPDATE sequences SET time_lanes = ? WHERE id = ?').run(timeLanes, ref.value.id);
      return success(undefined);
    });
  }

  setPreparing(path: string, snapshot: SnapshotColumns): Outcome<void> {
    return this.transition(path, 'preparing', {
      globals: snapshot.globals,
      device_configurations: snapshot.deviceConfigurations,
      owner: snapshot.owner,
    });
  }

  setRunning(path: string, startTime: number): Outcome<void> {
    return this.transition(path, 'running', { start_time: startTime });
  }

  setFinished(path: string, stopTime: number): Outcome<void> {
    return this.transition(path, 'finished', { stop_time: stopTime });
  }

  setInterrupted(path: string, stopTime: number): Outcome<void> {
    return this.transition(path, 'interrupted', { stop_time: stopTime });
  }

  setCrashed(path: string, error: string, stopTime: number): Outcome<void> {
    return this.transition(path, 'crashed', { error, stop_time: stopTime });
  }

  resetToDraft(path: string): Outcome<void> {
    return this.transition(
      path,
      'draft',
      {
        globals: null,
        device_configurations: null,
        owner: null,
        error: null,
        start_time: null,
        stop_time: null,
      },
      (id) => this.stmt('DELETE FROM shots WHERE sequence_id = ?').run(id),
    );
  }

  getError(path: string): Outcome<string> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const error = this.stmt('SELECT error FROM sequences WHERE id = ?')
        .pluck()
        .get(ref.value.id) as string | null;
      if (ref.value.state !== 'crashed' || error === null) {
        return failure({ kind: 'notCrashed', path, state: ref.value.state });
      }
      return success(error);
    });
  }

  getSnapshot(path: string): Outcome<{ globals: string; deviceConfigurations: string }> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const row = this.stmt(
        'SELECT globals, device_configurations FROM sequences WHERE id = ?',
      ).get(ref.value.id) as { globals: string | null; device_configurations: string | null };
      if (row.globals === null || row.device_configurations === null) {
        return failure({ kind: 'notLaunched', path });
      }
      return success({ globals: row.globals, deviceConfigurations: row.device_configurations });
    });
  }

  // ---- shots -----------------------------------------------------------------------------------

  createShots(path: string, shots: PreparedShot[]): Outcome<void> {
    return this.write(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const { id, state, expected_shots: expected } = ref.value;
      if (state !== 'running') return failure({ kind: 'notRunning', path, state });
      const exists = this.stmt('SELECT 1 FROM shots WHERE sequence_id = ? AND idx = ?');
      const seen = new Set<number>();
      for (const { index } of shots) {
        if (expected !== null && index >= expected) {
          return failure({ kind: 'shotIndex', path, index, expected });
        }
        if (seen.has(index) || exists.get(id, index) !== undefined) {
          return failure({ kind: 'duplicateShot', path, index });
        }
        seen.add(index);
      }
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
        for (const a of shot.arrays) insertArray.run(shotId, a.label, a.dtype, a.shape, a.bytes);
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

  getShot(path: string, index: number): Outcome<ShotRow> {
    return this.read(() => {
      const shotId = this.shotId(path, index);
      if (!shotId.ok) return shotId;
      const row = this.stmt(
        'SELECT start_time, end_time, parameters, timing FROM shots WHERE id = ?',
      ).get(shotId.value) as Omit<ShotRow, 'labels'>;
      const labels = this.stmt(
        `SELECT label FROM shot_structured_data WHERE shot_id = ?
         UNION ALL SELECT label FROM shot_array_data WHERE shot_id = ?`,
      )
        .pluck()
        .all(shotId.value, shotId.value) as string[];
      return success({ ...row, labels });
    });
  }

  getShotData(path: string, index: number, label: string): Outcome<DataRow> {
    return this.read(() => {
      const shotId = this.shotId(path, index);
      if (!shotId.ok) return shotId;
      const structured = this.stmt(
        'SELECT label, content FROM shot_structured_data WHERE shot_id = ? AND label = ?',
      ).get(shotId.value, label) as DataRow | undefined;
      if (structured !== undefined) return success(structured);
      const array = this.stmt(
        'SELECT label, dtype, shape, bytes FROM shot_array_data WHERE shot_id = ? AND label = ?',
      ).get(shotId.value, label) as DataRow | undefined;
      return array === undefined
        ? failure({ kind: 'dataNotFound', path, index, label })
        : success(array);
    });
  }

  getAllShotData(path: string, index: number): Outcome<DataRow[]> {
    return this.read(() => {
      const shotId = this.shotId(path, index);
      if (!shotId.ok) return shotId;
      const structured = this.stmt(
        'SELECT label, content FROM shot_structured_data WHERE shot_id = ?',
      ).all(shotId.value) as DataRow[];
      const arrays = this.stmt(
        'SELECT label, dtype, shape, bytes FROM shot_array_data WHERE shot_id = ?',
      ).all(shotId.value) as DataRow[];
      return success([...structured, ...arrays]);
    });
  }

  /** The rows readShotTable needs; `labels` null means every structured label, [] none. */
  shotTableRows(path: string, labels: string[] | null): Outcome<ShotTableRows> {
    return this.read(() => {
      const ref = this.sequenceRef(path);
      if (!ref.ok) return ref;
      const shots = this.stmt(
        'SELECT idx, start_time, end_time, parameters FROM shots WHERE sequence_id = ? ORDER BY idx',
      )
        .raw()
        .all(ref.value.id) as ShotTableRows['shots'];
      let data: ShotTableRows['data'] = [];
      if (labels === null) {
        data = this.stmt(
          `SELECT s.idx, d.label, d.content FROM shot_structured_data d
           JOIN shots s ON s.id = d.shot_id WHERE s.sequence_id = ?`,
        )
          .raw()
          .all(ref.value.id) as ShotTableRows['data'];
      } else if (labels.length > 0) {
        data = this.stmt(
          `SELECT s.idx, d.label, d.content FROM shot_structured_data d
           JOIN shots s ON s.id = d.shot_id
           WHERE s.sequence_id = ? AND d.label IN (SELECT value FROM json_each(?))`,
        )
          .raw()
          .all(ref.value.id, JSON.stringify(labels)) as ShotTableRows['data'];
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

  listDevices(): { name: string; type: string; content: string }[] {
    return this.stmt('SELECT name, type, content FROM device_configurations').all() as {
      name: string;
      type: string;
      content: string;
    }[];
  }

  getDevice(name: string): Outcome<{ name: string; type: string; content: string }> {
    const row = this.stmt(
      'SELECT name, type, content FROM device_configurations WHERE name = ?',
    ).get(name) as { name: string; type: string; content: string } | undefined;
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
  'setPreparing',
  'setRunning',
  'setFinished',
  'setInterrupted',
  'setCrashed',
  'resetToDraft',
  'createShots',
  'setSetting',
  'setDevice',
  'deleteDevice',
] as const;

/** A write operation's name. */
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

export type { StorageFailure };
