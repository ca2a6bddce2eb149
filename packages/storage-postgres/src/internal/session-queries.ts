import type { PoolClient, QueryConfig, QueryResultRow } from 'pg';
import {
  type EncodedPreparingSnapshot,
  type EncodedSequenceEvent,
  type StoredSequenceEventRow,
  type StorageTransition,
  type EncodedSequenceDraft,
  type PreparedShot,
  STORAGE_ROOT_PATH as ROOT,
  SEQUENCE_DRAFT_RESET,
  SEQUENCE_TRANSITION_COLUMNS,
  type SequenceState,
  type SequenceTransitionChanges,
  type StorageOutcome,
  type StorageStatePolicy,
  type StoredApiTokenRow,
  type StoredAuditRow,
  type StoredDataRow,
  type StoredQueuedRunRow,
  type StoredDeviceRow,
  type StoredSequenceRow,
  type StoredSequenceStatsRow,
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
  storageDescendantRange,
  storageFailure as failure,
  storageParentPath,
  storagePathChain,
  storageRefusal as refused,
  storageStatePolicy,
  storageSuccess as success,
  storedNodeKind as kindOf,
  transitionRefusal,
  transitionTarget,
} from '@shotline/core';

type Outcome<T> = StorageOutcome<T>;

/** The state machine as the refusal rules take it. */
const POLICY: StorageStatePolicy = storageStatePolicy();

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

/**
 * Every storage operation as SQL on one connection inside the transaction opened by the backend
 * (see transaction.ts). Refusals are decided by core's storage rules, like in every backend, and
 * returned as StorageFailure data, which the transaction rolls back.
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

  private subtreeSequences(path: string): Promise<{ path: string; state: string }[]> {
    const [lo, hi] = storageDescendantRange(path);
    return this.rows(
      `SELECT p.path, s.state FROM paths p JOIN sequences s ON s.path_id = p.id
       WHERE p.path = $1 OR (p.path >= $2 AND p.path < $3) ORDER BY p.path`,
      [path, lo, hi],
    );
  }

  private async sequenceRef(path: string, share = false): Promise<Outcome<SequenceRef>> {
    const row =
      path === ROOT
        ? undefined
        : await this.row<{
            id: number | null;
            state: SequenceState;
            expected_shots: number | null;
          }>(
            `SELECT s.id, s.state, s.expected_shots
             FROM paths p LEFT JOIN sequences s ON s.path_id = p.id WHERE p.path = $1`,
            [path],
          );
    const kind = row === undefined ? undefined : row.id === null ? 'folder' : 'sequence';
    const refusal = refused(sequenceLookupRefusal(path, kind));
    if (refusal) return refusal;
    if (share) {
      // Under READ COMMITTED this waits for a concurrent state change and reads its result.
      const locked = await this.row<{ state: SequenceState; expected_shots: number | null }>(
        'SELECT state, expected_shots FROM sequences WHERE id = $1 FOR SHARE',
        [row!.id],
      );
      return success({ id: row!.id!, ...locked! });
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
    path: string,
    createdAt: Date,
    reportAs = path,
  ): Promise<Outcome<string[]>> {
    const chain = storagePathChain(path);
    const nodes = await Promise.all(chain.map((p) => this.node(p)));
    const crossing = refused(folderChainRefusal(reportAs, chain, nodes.map(kindOf)));
    if (crossing) return crossing;
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
    path: string,
    draft: EncodedSequenceDraft,
    createdAt: Date,
  ): Promise<Outcome<void>> {
    const parents = await Promise.all(
      storagePathChain(storageParentPath(path)).map((p) => this.node(p)),
    );
    const existing = path === ROOT ? undefined : await this.node(path);
    const refusal = newSequenceRefusal(
      path,
      parents.map(kindOf),
      kindOf(existing),
      existing !== undefined && (await this.hasChildren(existing.id)),
    );
    if (refusal) return failure(refusal);
    if (existing === undefined) {
      const created = await this.createFolders(path, createdAt);
      if (!created.ok) return created;
    }
    const pathId = existing?.id ?? (await this.node(path))!.id;
    await this.client.query(
      `INSERT INTO sequences (path_id, state, iteration, time_lanes, expected_shots, suspenders)
       VALUES ($1, 'draft', $2, $3, $4, $5)`,
      [pathId, draft.iteration, draft.timeLanes, draft.expectedShots, draft.suspenders],
    );
    return success(undefined);
  }

  private async insertEvent(sequenceId: number, event: EncodedSequenceEvent): Promise<number> {
    const row = await this.row<{ id: string }>(
      `INSERT INTO sequence_events (sequence_id, time, kind, content) VALUES ($1, $2, $3, $4)
       RETURNING id`,
      [sequenceId, new Date(event.time), event.kind, event.content],
    );
    return Number(row!.id);
  }

  private async transition(
    path: string,
    transition: StorageTransition,
    changes: SequenceTransitionChanges<Date>,
    after?: (sequenceId: number) => Promise<unknown>,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const from = ref.value.state;
    const refusal = refused(transitionRefusal(path, from, transition, POLICY));
    if (refusal) return refusal;
    const to = transitionTarget(transition, POLICY);
    const columns = SEQUENCE_TRANSITION_COLUMNS.filter((c) => c in changes);
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

  async pathExists(path: string): Promise<boolean> {
    return path === ROOT || (await this.node(path)) !== undefined;
  }

  createPath(path: string, createdAt: Date): Promise<Outcome<string[]>> {
    return this.createFolders(path, createdAt);
  }

  async deletePath(path: string, deleteSequences: boolean): Promise<Outcome<void>> {
    const node = path === ROOT ? undefined : await this.node(path);
    const sequences = node === undefined ? [] : await this.subtreeSequences(path);
    const refusal = deletePathRefusal(path, node !== undefined, sequences, deleteSequences, POLICY);
    if (refusal) return failure(refusal);
    await this.client.query('DELETE FROM paths WHERE id = $1', [node!.id]);
    return success(undefined);
  }

  async children(path: string): Promise<Outcome<string[]>> {
    let parentId: number | null = null;
    if (path !== ROOT) {
      const node = await this.node(path);
      const refusal = refused(childrenRefusal(path, kindOf(node)));
      if (refusal) return refusal;
      parentId = node!.id;
    }
    const rows = await this.rows<{ path: string }>(
      parentId === null
        ? 'SELECT path FROM paths WHERE parent_id IS NULL'
        : 'SELECT path FROM paths WHERE parent_id = $1',
      parentId === null ? [] : [parentId],
    );
    return success(rows.map((r) => r.path));
  }

  async creationDate(path: string): Promise<Outcome<Date>> {
    if (path === ROOT) return failure({ kind: 'pathIsRoot', path });
    const node = await this.node(path);
    return node === undefined ? failure({ kind: 'pathNotFound', path }) : success(node.created_at);
  }

  async movePath(source: string, destination: string, now: Date): Promise<Outcome<void>> {
    const node = source === ROOT ? undefined : await this.node(source);
    const sequences = node === undefined ? [] : await this.subtreeSequences(source);
    const destinationExists = destination !== ROOT && (await this.node(destination)) !== undefined;
    const refusal = refused(
      movePathRefusal(
        source,
        destination,
        node !== undefined,
        sequences,
        destinationExists,
        POLICY,
      ),
    );
    if (refusal) return refusal;
    const parent = storageParentPath(destination);
    const created = await this.createFolders(parent, now, destination);
    if (!created.ok) return created;
    const parentId = parent === ROOT ? null : (await this.node(parent))!.id;
    const [lo, hi] = storageDescendantRange(source);
    // char_length() and substring() count characters the same way, whatever the encoding.
    await this.client.query(
      `UPDATE paths SET path = $1 || substring(path from char_length($2) + 1)
       WHERE path >= $3 AND path < $4`,
      [destination, source, lo, hi],
    );
    await this.client.query('UPDATE paths SET path = $1, parent_id = $2 WHERE id = $3', [
      destination,
      parentId,
      node!.id,
    ]);
    return success(undefined);
  }

  async isSequence(path: string): Promise<Outcome<boolean>> {
    if (path === ROOT) return success(false);
    const node = await this.node(path);
    return node === undefined
      ? failure({ kind: 'pathNotFound', path })
      : success(node.sequence_id !== null);
  }

  async sequencesUnder(path: string): Promise<Outcome<string[]>> {
    if (path !== ROOT && (await this.node(path)) === undefined) {
      return failure({ kind: 'pathNotFound', path });
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

  createSequence(
    path: string,
    draft: EncodedSequenceDraft,
    createdAt: Date,
  ): Promise<Outcome<void>> {
    return this.insertSequence(path, draft, createdAt);
  }

  async duplicateSequence(
    source: string,
    destination: string,
    createdAt: Date,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(source);
    if (!ref.ok) return ref;
    const row = (await this.row<{
      iteration: string;
      time_lanes: string;
      expected_shots: number | null;
      suspenders: string;
    }>('SELECT iteration, time_lanes, expected_shots, suspenders FROM sequences WHERE id = $1', [
      ref.value.id,
    ]))!;
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
  }

  async getSequence(path: string): Promise<Outcome<StoredSequenceRow>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    return success(
      (await this.row<StoredSequenceRow>(
        `SELECT p.created_at, s.state, s.iteration, s.time_lanes, s.expected_shots, s.globals,
           s.device_configurations, s.error, s.owner, s.suspenders, s.start_time, s.stop_time,
           (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
         FROM sequences s JOIN paths p ON p.id = s.path_id WHERE s.id = $1`,
        [ref.value.id],
      ))!,
    );
  }

  async getStats(path: string): Promise<Outcome<StoredSequenceStatsRow>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    return success(
      (await this.row<StoredSequenceStatsRow>(
        `SELECT state, expected_shots, start_time, stop_time,
           (SELECT count(*) FROM shots sh WHERE sh.sequence_id = s.id) AS completed
         FROM sequences s WHERE s.id = $1`,
        [ref.value.id],
      ))!,
    );
  }

  private async edit(
    path: string,
    column: 'iteration' | 'time_lanes' | 'suspenders',
    value: string,
    expected?: number | null,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const refusal = refused(editRefusal(path, ref.value.state, POLICY));
    if (refusal) return refusal;
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
    path: string,
    iteration: string,
    expectedShots: number | null,
  ): Promise<Outcome<void>> {
    return this.edit(path, 'iteration', iteration, expectedShots);
  }

  setTimeLanes(path: string, timeLanes: string): Promise<Outcome<void>> {
    return this.edit(path, 'time_lanes', timeLanes);
  }

  setSuspenders(path: string, suspenders: string): Promise<Outcome<void>> {
    return this.edit(path, 'suspenders', suspenders);
  }

  setPreparing(path: string, snapshot: EncodedPreparingSnapshot): Promise<Outcome<void>> {
    return this.transition(path, 'prepare', sequencePreparingChanges(snapshot));
  }

  setContinuing(path: string, owner: string, event: EncodedSequenceEvent): Promise<Outcome<void>> {
    return this.transition(path, 'continue', sequenceContinuingChanges(owner), (id) =>
      this.insertEvent(id, event),
    );
  }

  setRunning(path: string, startTime: Date): Promise<Outcome<void>> {
    return this.transition(path, 'run', { start_time: startTime });
  }

  setPaused(path: string, event: EncodedSequenceEvent): Promise<Outcome<void>> {
    return this.transition(path, 'pause', {}, (id) => this.insertEvent(id, event));
  }

  setResumed(
    path: string,
    event: EncodedSequenceEvent,
    globals: string | null,
  ): Promise<Outcome<void>> {
    return this.transition(path, 'resume', globals === null ? {} : { globals }, (id) =>
      this.insertEvent(id, event),
    );
  }

  setFinished(path: string, stopTime: Date): Promise<Outcome<void>> {
    return this.transition(path, 'finish', { stop_time: stopTime });
  }

  setInterrupted(path: string, stopTime: Date): Promise<Outcome<void>> {
    return this.transition(path, 'interrupt', { stop_time: stopTime });
  }

  setCrashed(path: string, error: string, stopTime: Date): Promise<Outcome<void>> {
    return this.transition(path, 'crash', { error, stop_time: stopTime });
  }

  resetToDraft(path: string): Promise<Outcome<void>> {
    return this.transition(path, 'reset', SEQUENCE_DRAFT_RESET, async (id) => {
      await this.client.query('DELETE FROM shots WHERE sequence_id = $1', [id]);
      await this.client.query('DELETE FROM sequence_events WHERE sequence_id = $1', [id]);
    });
  }

  // ---- events of a run -------------------------------------------------------------------------

  async addSequenceEvent(path: string, event: EncodedSequenceEvent): Promise<Outcome<number>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    if (ref.value.state === 'draft') return failure({ kind: 'notLaunched', path });
    return success(await this.insertEvent(ref.value.id, event));
  }

  async sequenceEvents(path: string, afterId: number): Promise<Outcome<StoredSequenceEventRow[]>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const rows = await this.rows<StoredSequenceEventRow & { id: string }>(
      `SELECT id, time, kind, content FROM sequence_events
       WHERE sequence_id = $1 AND id > $2 ORDER BY id`,
      [ref.value.id, afterId],
    );
    return success(rows.map((r) => ({ ...r, id: Number(r.id) })));
  }

  async getError(path: string): Promise<Outcome<string>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const row = (await this.row<{ error: string | null }>(
      'SELECT error FROM sequences WHERE id = $1',
      [ref.value.id],
    ))!;
    return refused(crashedRefusal(path, ref.value.state, row.error)) ?? success(row.error!);
  }

  async getSnapshot(path: string): Promise<Outcome<StoredSnapshotRow>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    const row = (await this.row<{ globals: string | null; device_configurations: string | null }>(
      'SELECT globals, device_configurations FROM sequences WHERE id = $1',
      [ref.value.id],
    ))!;
    return (
      refused(launchedRefusal(path, row.globals, row.device_configurations)) ??
      success({ globals: row.globals!, deviceConfigurations: row.device_configurations! })
    );
  }

  // ---- shots -----------------------------------------------------------------------------------

  /**
   * Stores shots; runs in a `shots` transaction (READ COMMITTED, sequence row locked FOR SHARE).
   * `afterUncertainCommit`: an earlier attempt of this very write may have committed before its
   * connection was lost; finding every one of these shots stored then means that it did.
   */
  async createShots(
    path: string,
    shots: PreparedShot[],
    afterUncertainCommit = false,
  ): Promise<Outcome<void>> {
    const ref = await this.sequenceRef(path, true);
    if (!ref.ok) return ref;
    const { id, state, expected_shots: expected } = ref.value;
    const indices = shots.map((s) => s.index);
    const stored = new Set(
      indices.length === 0
        ? []
        : (
            await this.rows<{ idx: number }>(
              'SELECT idx FROM shots WHERE sequence_id = $1 AND idx = ANY($2::bigint[])',
              [id, indices],
            )
          ).map((r) => r.idx),
    );
    if (afterUncertainCommit && indices.length > 0 && indices.every((i) => stored.has(i))) {
      return success(undefined);
    }
    const refusal = shotsRefusal(path, state, expected, indices, (index) => stored.has(index));
    if (refusal) return failure(refusal);
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

  async shotIndices(path: string): Promise<Outcome<number[]>> {
    const ref = await this.sequenceRef(path);
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

  async getShot(path: string, index: number): Promise<Outcome<StoredShotRow>> {
    const shotId = await this.shotId(path, index);
    if (!shotId.ok) return shotId;
    const row = (await this.row<Omit<StoredShotRow, 'labels'>>(
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

  private async arrays(shotId: number, label?: string): Promise<StoredDataRow[]> {
    const result = await this.client.query<StoredDataRow & QueryResultRow>(
      `SELECT label, dtype, shape, bytes FROM shot_array_data
       WHERE shot_id = $1 ${label === undefined ? '' : 'AND label = $2'}`,
      label === undefined ? [shotId] : [shotId, label],
    );
    return result.rows;
  }

  async getShotData(path: string, index: number, label: string): Promise<Outcome<StoredDataRow>> {
    const shotId = await this.shotId(path, index);
    if (!shotId.ok) return shotId;
    const structured = await this.row<{ label: string; content: string }>(
      'SELECT label, content FROM shot_structured_data WHERE shot_id = $1 AND label = $2',
      [shotId.value, label],
    );
    if (structured !== undefined) return success(structured);
    const [array] = await this.arrays(shotId.value, label);
    return array === undefined
      ? failure({ kind: 'dataNotFound', path, index, label })
      : success(array);
  }

  async getAllShotData(path: string, index: number): Promise<Outcome<StoredDataRow[]>> {
    const shotId = await this.shotId(path, index);
    if (!shotId.ok) return shotId;
    const structured = await this.rows<{ label: string; content: string }>(
      'SELECT label, content FROM shot_structured_data WHERE shot_id = $1',
      [shotId.value],
    );
    return success([...structured, ...(await this.arrays(shotId.value))]);
  }

  /** Rows for readShotTable; `labels` null means every structured label, [] none. */
  async shotTableRows(
    path: string,
    labels: string[] | null,
  ): Promise<Outcome<StoredShotTableRows>> {
    const ref = await this.sequenceRef(path);
    if (!ref.ok) return ref;
    // bigint indices arrive as numbers (the pool's type parser), times as float8 milliseconds and
    // JSON as text.
    const shots = await this.client.query<StoredShotTableRows['shots'][number]>({
      text: `SELECT idx, (extract(epoch from start_time) * 1000)::float8,
               (extract(epoch from end_time) * 1000)::float8, parameters
             FROM shots WHERE sequence_id = $1 ORDER BY idx`,
      values: [ref.value.id],
      rowMode: 'array',
    });
    let data: StoredShotTableRows['data'] = [];
    if (labels === null || labels.length > 0) {
      data = (
        await this.client.query<StoredShotTableRows['data'][number]>({
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

  listDevices(): Promise<StoredDeviceRow[]> {
    return this.rows('SELECT name, type, content FROM device_configurations');
  }

  async getDevice(name: string): Promise<Outcome<StoredDeviceRow>> {
    const row = await this.row<StoredDeviceRow & QueryResultRow>(
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

  // ---- the lab server's queue, audit log and tokens ---------------------------------------

  async insertQueuedRun(
    row: Omit<StoredQueuedRunRow, 'position'>,
    afterUncertainCommit: boolean,
  ): Promise<Outcome<StoredQueuedRunRow>> {
    if (afterUncertainCommit) {
      // The insert may have committed before its answer was lost: it was this very run.
      const existing = await this.row<StoredQueuedRunRow & QueryResultRow>(
        `SELECT ${QUEUED_RUN_SELECT} FROM queued_runs WHERE id = $1`,
        [row.id],
      );
      if (existing) return success(existing);
    }
    // One queue for the lab: concurrent submitters take positions one after the other.
    await this.client.query('LOCK TABLE queued_runs IN SHARE ROW EXCLUSIVE MODE');
    const inserted = await this.row<StoredQueuedRunRow & QueryResultRow>(
      `INSERT INTO queued_runs (${QUEUED_RUN_COLUMNS})
       SELECT $1, COALESCE(MAX(position), -1) + 1, $2, $3, $4, $5, $6, NULL, NULL, NULL
       FROM queued_runs
       RETURNING ${QUEUED_RUN_SELECT}`,
      [row.id, row.sequence, row.submitted_by, new Date(row.submitted_at), row.options, row.state],
    );
    return success(inserted!);
  }

  listQueuedRuns(states: readonly string[] | null): Promise<StoredQueuedRunRow[]> {
    return states === null
      ? this.rows(`SELECT ${QUEUED_RUN_SELECT} FROM queued_runs ORDER BY position`)
      : this.rows(
          `SELECT ${QUEUED_RUN_SELECT} FROM queued_runs WHERE state = ANY($1) ORDER BY position`,
          [[...states]],
        );
  }

  async updateQueuedRun(
    id: string,
    state: string,
    startedAt: number | null,
    endedAt: number | null,
    error: string | null,
  ): Promise<Outcome<StoredQueuedRunRow>> {
    const row = await this.row<StoredQueuedRunRow & QueryResultRow>(
      `UPDATE queued_runs SET state = $2, started_at = COALESCE($3, started_at),
         ended_at = COALESCE($4, ended_at), error = COALESCE($5::json, error)
       WHERE id = $1 RETURNING ${QUEUED_RUN_SELECT}`,
      [
        id,
        state,
        startedAt === null ? null : new Date(startedAt),
        endedAt === null ? null : new Date(endedAt),
        error,
      ],
    );
    return row === undefined ? failure({ kind: 'queuedRunNotFound', id }) : success(row);
  }

  async setQueuedRunPositions(ids: readonly string[]): Promise<Outcome<void>> {
    for (const [position, id] of ids.entries()) {
      const result = await this.client.query('UPDATE queued_runs SET position = $1 WHERE id = $2', [
        position,
        id,
      ]);
      if (result.rowCount === 0) return failure({ kind: 'queuedRunNotFound', id });
    }
    return success(undefined);
  }

  async insertAuditEntry(row: Omit<StoredAuditRow, 'id'>): Promise<Outcome<StoredAuditRow>> {
    const inserted = await this.row<{ id: string } & QueryResultRow>(
      'INSERT INTO audit_log (time, actor, action, target, details) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [new Date(row.time), row.actor, row.action, row.target, row.details],
    );
    return success({ ...row, id: Number(inserted!.id) });
  }

  auditEntries(afterId: number, limit: number): Promise<StoredAuditRow[]> {
    return this.rows(
      `SELECT id::float8 AS id, time, actor, action, target, details::text AS details
       FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
  }

  async putApiToken(row: StoredApiTokenRow): Promise<Outcome<void>> {
    await this.client.query(
      `INSERT INTO api_tokens (id, user_name, scopes, salt, hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET user_name = excluded.user_name, scopes = excluded.scopes,
         salt = excluded.salt, hash = excluded.hash, created_at = excluded.created_at`,
      [row.id, row.user_name, row.scopes, row.salt, row.hash, new Date(row.created_at)],
    );
    return success(undefined);
  }

  listApiTokens(): Promise<StoredApiTokenRow[]> {
    return this.rows(
      `SELECT id, user_name, scopes::text AS scopes, salt, hash, created_at
       FROM api_tokens ORDER BY user_name, id`,
    );
  }

  async deleteApiToken(id: string): Promise<Outcome<boolean>> {
    const result = await this.client.query('DELETE FROM api_tokens WHERE id = $1', [id]);
    return success((result.rowCount ?? 0) > 0);
  }
}

const QUEUED_RUN_COLUMNS =
  'id, position, sequence, submitted_by, submitted_at, options, state, started_at, ended_at, error';

/** JSON columns as text: the storage decodes them (the driver would parse them). */
const QUEUED_RUN_SELECT =
  'id, position, sequence, submitted_by, submitted_at, options::text AS options, state, started_at, ended_at, error::text AS error';
