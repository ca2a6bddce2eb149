import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import {
  type PreparedShot,
  type SequencePath,
  type SequenceState,
  type StorageFailure,
  type StorageOutcome,
  descendantPathRange,
  isActive,
  isEditable,
  isTransitionAllowed,
} from '@shotline/core';

type Outcome<T> = StorageOutcome<T>;

function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

function failure<T = never>(f: StorageFailure): Outcome<T> {
  return { ok: false, failure: f };
}

/** A sequence row with its creation date and shot count (JSON columns as text). */
export interface SequenceRow {
  created_at: Date;
  state: string;
  iteration: string;
  time_lanes: string;
  expected_shots: number | null;
  globals: string | null;
  device_configurations: string | null;
  error: string | null;
  owner: string | null;
  start_time: Date | null;
  stop_time: Date | null;
  completed: number;
}

/** A shot row without its data. */
export interface ShotRow {
  start_time: Date;
  end_time: Date;
  parameters: string;
  timing: string;
  labels: string[];
}

/** One stored data value: structured JSON, or an array's dtype, shape and bytes. */
export type DataRow =
  | { label: string; content: string }
  | { label: string; dtype: string; shape: string; bytes: Buffer };

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
  created_at: Date;
  sequence_id: number | null;
  state: string | null;
}

interface SequenceRef {
  id: number;
  state: SequenceState;
  expected_shots: number | null;
}

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
 * Every storage operation as SQL on one connection inside the transaction opened by the storage
 * (see transaction.ts). Same checks, in the same order, as the SQLite backend's database layer;
 * failures are returned as core's {@link StorageFailure} data and rolled back by the caller.
 */
export class SessionQueries {
  constructor(private readonly client: PoolClient) {}

  private async rows<R extends QueryResultRow>(
    text: string | QueryConfig,
    values: unknown[] = [],
  ): Promise<R[]> {
    const result =
      typeof text === 'string'
        ? await this.client.query<R>(text, values)
        : await this.client.query<R>(text);
    return result.rows;
  }

  private async row<R extends QueryResultRow>(
    text: string | QueryConfig,
    values: unknown[] = [],
  ): Promise<R | undefined> {
    return (await this.rows<R>(text, values))[0];
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private node(path: string): Promise<NodeRow | undefined> {
    return this.row<NodeRow>(
      `SELECT p.id, p.created_at, s.id AS sequence_id, s.state
       FROM paths p LEFT JOIN sequences s ON s.path_id = p.id WHERE p.path = $1`,
      [path],
    );
  }

  private async hasChildren(id: number): Promise<boolean> {
    return (await this.row('SELECT 1 FROM paths WHERE parent_id = $1 LIMIT 1', [id])) !== undefined;
  }

  private subtreeSequences(path: SequencePath): Promise<{ path: string; state: string }[]> {
    const [lo, hi] = descendantPathRange(path);
    return this.rows(
      `SELECT p.path, s.state FROM paths p JOIN sequences s ON s.path_id = p.id
       WHERE p.path = $1 OR (p.path >= $2 AND p.path < $3) ORDER BY p.path`,
      [path.toString(), lo, hi],
    );
  }

  private async sequenceRef(path: string, share = false): Promise<Outcome<SequenceRef>> {
    if (path === '\\') return failure({ kind: 'pathIsNotSequence', path });
    const row = await this.row<{
      id: number | null;
      state: SequenceState;
      expected_shots: number | null;
    }>(
      `SELECT s.id, s.state, s.expected_shots
       FROM paths p LEFT JOIN sequences s ON s.path_id = p.id WHERE p.path = $1`,
      [path],
    );
    if (row === undefined) return failure({ kind: 'pathNotFound', path });
    if (row.id === null) return failure({ kind: 'pathIsNotSequence', path });
    if (share) {
      // Under READ COMMITTED this waits for a concurrent state change and reads its result.
      const locked = await this.row<{ state: SequenceState; expected_shots: number | null }>(
        'SELECT state, expected_shots FROM sequences WHERE id = $1 FOR SHARE',
        [row.id],
      );
      return success({ id: row.id, ...locked! });
    }
    return success(row as SequenceRef);
  }

  private async shotId(path: string, index: number): Promise<Outcome<number>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const row = await this.row<{ id: number }>(
      'SELECT id FROM shots WHERE sequence_id = $1 AND idx = $2',
      [ref.value.id, index],
    );
    return row === undefined ? failure({ kind: 'shotNotFound', path, index }) : success(row.id);
  }

  /** Creates the missing folders down to `path`; refuses to cross a sequence (reported for `reportAs`). */
  private async createFolders(
    path: SequencePath,
    createdAt: Date,
    reportAs = path.toString(),
  ): Promise<Outcome<string[]>> {
    const chain = path
      .ancestors()
      .reverse()
      .filter((p) => !p.isRoot())
      .map(String);
    const nodes = await Promise.all(chain.map((p) => this.node(p)));
    const blocking = nodes.findIndex((n) => n !== undefined && n.sequence_id !== null);
    if (blocking >= 0) {
      return failure({ kind: 'pathCrossesSequence', path: reportAs, sequence: chain[blocking]! });
    }
    const created: string[] = [];
    let parentId: number | null = null;
    for (let i = 0; i < chain.length; i++) {
      const existing = nodes[i];
      if (existing !== undefined) {
        parentId = existing.id;
        continue;
      }
      const inserted: { id: number } | undefined = await this.row<{ id: number }>(
        'INSERT INTO paths (path, parent_id, created_at) VALUES ($1, $2, $3) RETURNING id',
        [chain[i], parentId, createdAt],
      );
      parentId = inserted!.id;
      created.push(chain[i]!);
    }
    return success(created);
  }

  private async insertSequence(
    path: SequencePath,
    draft: DraftColumns,
    createdAt: Date,
  ): Promise<Outcome<void>> {
    const text = path.toString();
    if (path.isRoot()) return failure({ kind: 'pathIsRoot', path: text });
    for (const ancestor of path.parent!.ancestors().reverse()) {
      if (ancestor.isRoot()) continue;
      if ((await this.node(ancestor.toString()))?.sequence_id != null) {
        return failure({ kind: 'pathCrossesSequence', path: text, sequence: ancestor.toString() });
      }
    }
    const existing = await this.node(text);
    if (existing?.sequence_id != null) return failure({ kind: 'pathIsSequence', path: text });
    if (existing !== undefined && (await this.hasChildren(existing.id))) {
      return failure({ kind: 'pathHasChildren', path: text });
    }
    if (existing === undefined) {
      const created = await this.createFolders(path, createdAt);
      if (!created.ok) return created;
    }
    const pathId = existing?.id ?? (await this.node(text))!.id;
    await this.client.query(
      `INSERT INTO sequences (path_id, state, iteration, time_lanes, expected_shots)
       VALUES ($1, 'draft', $2, $3, $4)`,
      [pathId, draft.iteration, draft.timeLanes, draft.expectedShots],
    );
    return success(undefined);
  }

  private async transition(
    path: string,
    to: SequenceState,
    changes: Partial<Record<TransitionColumn, string | Date | null>>,
    after?: (sequenceId: number) => Promise<unknown>,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const from = ref.value.state;
    if (!isTransitionAllowed(from, to)) {
      return failure({ kind: 'invalidTransition', path, from, to });
    }
    const columns = TRANSITION_COLUMNS.filter((c) => c in changes);
    const assignments = ['state = $1', ...columns.map((c, i) => `${c} = $${i + 2}`)].join(', ');
    const n = columns.length + 2;
    const result = await this.client.query(
      `UPDATE sequences SET ${assignments} WHERE id = $${n} AND state = $${n + 1}`,
      [to, ...columns.map((c) => changes[c] ?? null), ref.value.id, from],
    );
    if (result.rowCount !== 1) throw new Error(`sequence "${path}" changed during its transition`);
    await after?.(ref.value.id);
    return success(undefined);
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return path.isRoot() || (await this.node(path.toString())) !== undefined;
  }

  createPath(path: SequencePath, createdAt: Date): Promise<Outcome<string[]>> {
    return this.createFolders(path, createdAt);
  }

  async deletePath(path: SequencePath, deleteSequences: boolean): Promise<Outcome<void>> {
    const text = path.toString();
    if (path.isRoot()) return failure({ kind: 'pathIsRoot', path: text });
    const node = await this.node(text);
    if (node === undefined) return failure({ kind: 'pathNotFound', path: text });
    const sequences = await this.subtreeSequences(path);
    if (sequences.length > 0 && !deleteSequences) {
      return failure({ kind: 'pathContainsSequences', path: text, example: sequences[0]!.path });
    }
    const running = sequences.find((s) => isActive(s.state as SequenceState));
    if (running !== undefined) return failure({ kind: 'sequenceRunning', path: running.path });
    await this.client.query('DELETE FROM paths WHERE id = $1', [node.id]);
    return success(undefined);
  }

  async children(path: SequencePath): Promise<Outcome<string[]>> {
    const text = path.toString();
    if (path.isRoot()) {
      return success(
        (await this.rows<{ path: string }>('SELECT path FROM paths WHERE parent_id IS NULL')).map(
          (r) => r.path,
        ),
      );
    }
    const node = await this.node(text);
    if (node === undefined) return failure({ kind: 'pathNotFound', path: text });
    if (node.sequence_id !== null) return failure({ kind: 'pathIsSequence', path: text });
    return success(
      (
        await this.rows<{ path: string }>('SELECT path FROM paths WHERE parent_id = $1', [node.id])
      ).map((r) => r.path),
    );
  }

  async creationDate(path: SequencePath): Promise<Outcome<Date>> {
    const text = path.toString();
    if (path.isRoot()) return failure({ kind: 'pathIsRoot', path: text });
    const node = await this.node(text);
    return node === undefined
      ? failure({ kind: 'pathNotFound', path: text })
      : success(node.created_at);
  }

  async movePath(
    source: SequencePath,
    destination: SequencePath,
    now: Date,
  ): Promise<Outcome<void>> {
    const from = source.toString();
    const to = destination.toString();
    if (source.isRoot() || destination.equals(source) || destination.isDescendantOf(source)) {
      return failure({ kind: 'recursiveMove', source: from, destination: to });
    }
    const node = await this.node(from);
    if (node === undefined) return failure({ kind: 'pathNotFound', path: from });
    const running = (await this.subtreeSequences(source)).find((s) =>
      isActive(s.state as SequenceState),
    );
    if (running !== undefined) return failure({ kind: 'sequenceRunning', path: running.path });
    if (destination.isRoot() || (await this.node(to)) !== undefined) {
      return failure({ kind: 'pathExists', path: to });
    }
    const parent = destination.parent!;
    const created = await this.createFolders(parent, now, to);
    if (!created.ok) return created;
    const parentId = parent.isRoot() ? null : (await this.node(parent.toString()))!.id;
    const [lo, hi] = descendantPathRange(source);
    // char_length() and substring() count characters the same way, whatever the encoding.
    await this.client.query(
      `UPDATE paths SET path = $1 || substring(path from char_length($2) + 1)
       WHERE path >= $3 AND path < $4`,
      [to, from, lo, hi],
    );
    await this.client.query('UPDATE paths SET path = $1, parent_id = $2 WHERE id = $3', [
      to,
      parentId,
      node.id,
    ]);
    return success(undefined);
  }

  async isSequence(path: SequencePath): Promise<Outcome<boolean>> {
    if (path.isRoot()) return success(false);
    const node = await this.node(path.toString());
    return node === undefined
      ? failure({ kind: 'pathNotFound', path: path.toString() })
      : success(node.sequence_id !== null);
  }

  async sequencesUnder(path: SequencePath): Promise<Outcome<string[]>> {
    if (!path.isRoot() && (await this.node(path.toString())) === undefined) {
      return failure({ kind: 'pathNotFound', path: path.toString() });
    }
    return success((await this.subtreeSequences(path)).map((s) => s.path));
  }

  async sequencesInState(state: SequenceState): Promise<string[]> {
    return (
      await this.rows<{ path: string }>(
        'SELECT p.path FROM sequences s JOIN paths p ON p.id = s.path_id WHERE s.state = $1',
        [state],
      )
    ).map((r) => r.path);
  }

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(path: SequencePath, draft: DraftColumns, createdAt: Date): Promise<Outcome<void>> {
    return this.insertSequence(path, draft, createdAt);
  }

  async duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    createdAt: Date,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(source.toString());
    if (!ref.ok) return ref;
    const row = (await this.row<{
      iteration: string;
      time_lanes: string;
      expected_shots: number | null;
    }>('SELECT iteration, time_lanes, expected_shots FROM sequences WHERE id = $1', [
      ref.value.id,
    ]))!;
    return this.insertSequence(
      destination,
      { iteration: row.iteration, timeLanes: row.time_lanes, expectedShots: row.expected_shots },
      createdAt,
    );
  }

  async getSequence(path: SequencePath): Promise<Outcome<SequenceRow>> {
    const ref = await this.sequenceRef(path.toString());
    if (!ref.ok) return ref;
    return success(
      (await this.row<SequenceRow>(
        `SELECT p.created_at, s.state, s.iteration, s.time_lanes, s.expected_shots, s.globals,
           s.device_configurations, s.error, s.owner, s.start_time, s.stop_time,
           (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
         FROM sequences s JOIN paths p ON p.id = s.path_id WHERE s.id = $1`,
        [ref.value.id],
      ))!,
    );
  }

  async getStats(path: SequencePath): Promise<Outcome<SequenceRow>> {
    const ref = await this.sequenceRef(path.toString());
    if (!ref.ok) return ref;
    return success(
      (await this.row<SequenceRow>(
        `SELECT state, expected_shots, start_time, stop_time,
           (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
         FROM sequences s WHERE s.id = $1`,
        [ref.value.id],
      ))!,
    );
  }

  private async edit(
    path: string,
    column: 'iteration' | 'time_lanes',
    value: string,
    expected?: number | null,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    if (!isEditable(ref.value.state)) {
      return failure({ kind: 'notEditable', path, state: ref.value.state });
    }
    if (expected === undefined) {
      await this.client.query(`UPDATE sequences SET ${column} = $1 WHERE id = $2`, [
        value,
        ref.value.id,
      ]);
    } else {
      await this.client.query(
        `UPDATE sequences SET ${column} = $1, expected_shots = $2 WHERE id = $3`,
        [value, expected, ref.value.id],
      );
    }
    return success(undefined);
  }

  setIteration(
    path: SequencePath,
    iteration: string,
    expectedShots: number | null,
  ): Promise<Outcome<void>> {
    return this.edit(path.toString(), 'iteration', iteration, expectedShots);
  }

  setTimeLanes(path: SequencePath, timeLanes: string): Promise<Outcome<void>> {
    return this.edit(path.toString(), 'time_lanes', timeLanes);
  }

  setPreparing(path: SequencePath, snapshot: SnapshotColumns): Promise<Outcome<void>> {
    return this.transition(path.toString(), 'preparing', {
      globals: snapshot.globals,
      device_configurations: snapshot.deviceConfigurations,
      owner: snapshot.owner,
    });
  }

  setRunning(path: SequencePath, startTime: Date): Promise<Outcome<void>> {
    return this.transition(path.toString(), 'running', { start_time: startTime });
  }

  setFinished(path: SequencePath, stopTime: Date): Promise<Outcome<void>> {
    return this.transition(path.toString(), 'finished', { stop_time: stopTime });
  }

  setInterrupted(path: SequencePath, stopTime: Date): Promise<Outcome<void>> {
    return this.transition(path.toString(), 'interrupted', { stop_time: stopTime });
  }

  setCrashed(path: SequencePath, error: string, stopTime: Date): Promise<Outcome<void>> {
    return this.transition(path.toString(), 'crashed', { error, stop_time: stopTime });
  }

  resetToDraft(path: SequencePath): Promise<Outcome<void>> {
    return this.transition(
      path.toString(),
      'draft',
      {
        globals: null,
        device_configurations: null,
        owner: null,
        error: null,
        start_time: null,
        stop_time: null,
      },
      (id) => this.client.query('DELETE FROM shots WHERE sequence_id = $1', [id]),
    );
  }

  async getError(path: SequencePath): Promise<Outcome<string>> {
    const text = path.toString();
    const ref = await this.sequenceRef(text);
    if (!ref.ok) return ref;
    const row = (await this.row<{ error: string | null }>(
      'SELECT error FROM sequences WHERE id = $1',
      [ref.value.id],
    ))!;
    if (ref.value.state !== 'crashed' || row.error === null) {
      return failure({ kind: 'notCrashed', path: text, state: ref.value.state });
    }
    return success(row.error);
  }

  async getSnapshot(
    path: SequencePath,
  ): Promise<Outcome<{ globals: string; deviceConfigurations: string }>> {
    const ref = await this.sequenceRef(path.toString());
    if (!ref.ok) return ref;
    const row = (await this.row<{ globals: string | null; device_configurations: string | null }>(
      'SELECT globals, device_configurations FROM sequences WHERE id = $1',
      [ref.value.id],
    ))!;
    if (row.globals === null || row.device_configurations === null) {
      return failure({ kind: 'notLaunched', path: path.toString() });
    }
    return success({ globals: row.globals, deviceConfigurations: row.device_configurations });
  }

  // ---- shots -----------------------------------------------------------------------------------

  /** Stores shots; runs in a `shots` transaction (READ COMMITTED, sequence row locked FOR SHARE). */
  async createShots(path: SequencePath, shots: PreparedShot[]): Promise<Outcome<void>> {
    const text = path.toString();
    const ref = await this.sequenceRef(text, true);
    if (!ref.ok) return ref;
    const { id, state, expected_shots: expected } = ref.value;
    if (state !== 'running') return failure({ kind: 'notRunning', path: text, state });
    const seen = new Set<number>();
    for (const { index } of shots) {
      if (expected !== null && index >= expected) {
        return failure({ kind: 'shotIndex', path: text, index, expected });
      }
      if (seen.has(index)) return failure({ kind: 'duplicateShot', path: text, index });
      seen.add(index);
    }
    if (shots.length > 0) {
      const existing = await this.row<{ idx: number }>(
        'SELECT idx FROM shots WHERE sequence_id = $1 AND idx = ANY($2::bigint[]) ORDER BY idx LIMIT 1',
        [id, shots.map((s) => s.index)],
      );
      if (existing !== undefined)
        return failure({ kind: 'duplicateShot', path: text, index: existing.idx });
    }
    for (const shot of shots) {
      const shotId = (await this.row<{ id: number }>({
        name: 'shotline-insert-shot',
        text: `INSERT INTO shots (sequence_id, idx, start_time, end_time, parameters, timing)
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        values: [
          id,
          shot.index,
          new Date(shot.startTime),
          new Date(shot.endTime),
          shot.parameters,
          shot.timing,
        ],
      }))!.id;
      for (const d of shot.structured) {
        await this.client.query({
          name: 'shotline-insert-structured',
          text: 'INSERT INTO shot_structured_data (shot_id, label, content) VALUES ($1, $2, $3)',
          values: [shotId, d.label, d.content],
        });
      }
      for (const a of shot.arrays) {
        await this.client.query({
          name: 'shotline-insert-array',
          text: 'INSERT INTO shot_array_data (shot_id, label, dtype, shape, bytes) VALUES ($1, $2, $3, $4, $5)',
          values: [shotId, a.label, a.dtype, a.shape, a.bytes],
        });
      }
    }
    return success(undefined);
  }

  async shotIndices(path: SequencePath): Promise<Outcome<number[]>> {
    const ref = await this.sequenceRef(path.toString());
    if (!ref.ok) return ref;
    return success(
      (
        await this.rows<{ idx: number }>(
          'SELECT idx FROM shots WHERE sequence_id = $1 ORDER BY idx',
          [ref.value.id],
        )
      ).map((r) => r.idx),
    );
  }

  async getShot(path: SequencePath, index: number): Promise<Outcome<ShotRow>> {
    const shotId = await this.shotId(path.toString(), index);
    if (!shotId.ok) return shotId;
    const row = (await this.row<Omit<ShotRow, 'labels'>>(
      'SELECT start_time, end_time, parameters, timing FROM shots WHERE id = $1',
      [shotId.value],
    ))!;
    const labels = await this.rows<{ label: string }>(
      `SELECT label FROM shot_structured_data WHERE shot_id = $1
       UNION ALL SELECT label FROM shot_array_data WHERE shot_id = $1`,
      [shotId.value],
    );
    return success({ ...row, labels: labels.map((l) => l.label) });
  }

  private async arrays(shotId: number, label?: string): Promise<DataRow[]> {
    const result = await this.client.query<{
      label: string;
      dtype: string;
      shape: string;
      bytes: Buffer;
    }>(
      `SELECT label, dtype, shape, bytes FROM shot_array_data
       WHERE shot_id = $1 ${label === undefined ? '' : 'AND label = $2'}`,
      label === undefined ? [shotId] : [shotId, label],
    );
    return result.rows;
  }

  async getShotData(path: SequencePath, index: number, label: string): Promise<Outcome<DataRow>> {
    const shotId = await this.shotId(path.toString(), index);
    if (!shotId.ok) return shotId;
    const structured = await this.row<{ label: string; content: string }>(
      'SELECT label, content FROM shot_structured_data WHERE shot_id = $1 AND label = $2',
      [shotId.value, label],
    );
    if (structured !== undefined) return success(structured);
    const [array] = await this.arrays(shotId.value, label);
    return array === undefined
      ? failure({ kind: 'dataNotFound', path: path.toString(), index, label })
      : success(array);
  }

  async getAllShotData(path: SequencePath, index: number): Promise<Outcome<DataRow[]>> {
    const shotId = await this.shotId(path.toString(), index);
    if (!shotId.ok) return shotId;
    const structured = await this.rows<{ label: string; content: string }>(
      'SELECT label, content FROM shot_structured_data WHERE shot_id = $1',
      [shotId.value],
    );
    return success([...structured, ...(await this.arrays(shotId.value))]);
  }

  /** Rows for readShotTable; `labels` null means every structured label, [] none. */
  async shotTableRows(
    path: SequencePath,
    labels: string[] | null,
  ): Promise<Outcome<{ shots: unknown[][]; data: unknown[][] }>> {
    const ref = await this.sequenceRef(path.toString());
    if (!ref.ok) return ref;
    const shots = await this.client.query<unknown[]>({
      text: `SELECT idx, (extract(epoch from start_time) * 1000)::float8,
               (extract(epoch from end_time) * 1000)::float8, parameters
             FROM shots WHERE sequence_id = $1 ORDER BY idx`,
      values: [ref.value.id],
      rowMode: 'array',
    });
    let data: unknown[][] = [];
    if (labels === null || labels.length > 0) {
      data = (
        await this.client.query<unknown[]>({
          text: `SELECT s.idx, d.label, d.content FROM shot_structured_data d
                 JOIN shots s ON s.id = d.shot_id WHERE s.sequence_id = $1
                 ${labels === null ? '' : 'AND d.label = ANY($2::text[])'}`,
          values: labels === null ? [ref.value.id] : [ref.value.id, labels],
          rowMode: 'array',
        })
      ).rows;
    }
    return success({ shots: shots.rows, data });
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getSetting(name: string): Promise<string | undefined> {
    return (
      await this.row<{ content: string }>('SELECT content FROM settings WHERE name = $1', [name])
    )?.content;
  }

  async setSetting(name: string, content: string): Promise<Outcome<void>> {
    await this.client.query(
      `INSERT INTO settings (name, content) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET content = excluded.content`,
      [name, content],
    );
    return success(undefined);
  }

  listDevices(): Promise<{ name: string; type: string; content: string }[]> {
    return this.rows('SELECT name, type, content FROM device_configurations');
  }

  async getDevice(name: string): Promise<Outcome<{ name: string; type: string; content: string }>> {
    const row = await this.row<{ name: string; type: string; content: string }>(
      'SELECT name, type, content FROM device_configurations WHERE name = $1',
      [name],
    );
    return row === undefined ? failure({ kind: 'deviceNotFound', name }) : success(row);
  }

  async setDevice(name: string, type: string, content: string): Promise<Outcome<void>> {
    await this.client.query(
      `INSERT INTO device_configurations (name, type, content) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET type = excluded.type, content = excluded.content`,
      [name, type, content],
    );
    return success(undefined);
  }

  async deleteDevice(name: string): Promise<Outcome<void>> {
    const result = await this.client.query('DELETE FROM device_configurations WHERE name = $1', [
      name,
    ]);
    return result.rowCount === 0 ? failure({ kind: 'deviceNotFound', name }) : success(undefined);
  }
}
