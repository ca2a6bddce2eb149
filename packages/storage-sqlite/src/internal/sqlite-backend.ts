import type Database from 'better-sqlite3';
import type {
  EncodedPreparingSnapshot,
  EncodedSequenceDraft,
  PreparedShot,
  SequencePath,
  SequenceState,
  StorageAnswer,
  StorageBackend,
  StorageOutcome,
} from '@shotline/core';
import { withChunkFiles } from './chunks/chunk-aware-write.js';
import type { ChunkWriter } from './chunks/chunk-writer.js';
import type { SessionDatabase, WriteOperation } from './session-database.js';
import type { WriterClient } from './writer-client.js';

/**
 * The SQLite {@link StorageBackend}: reads run on the calling thread through its own connection
 * (they see every committed write); writes go to the writer worker, or run on that connection when
 * the storage has no worker.
 */
export class SqliteBackend implements StorageBackend {
  readonly #connection: Database.Database;
  readonly #database: SessionDatabase;
  readonly #writer: WriterClient | undefined;
  readonly #chunks: ChunkWriter | undefined;

  /**
   * @param writer the writer worker, if writes run there
   * @param chunks the chunk files of inline writes (the writer worker has its own)
   */
  constructor(
    connection: Database.Database,
    database: SessionDatabase,
    writer?: WriterClient,
    chunks?: ChunkWriter,
  ) {
    this.#connection = connection;
    this.#database = database;
    this.#writer = writer;
    this.#chunks = chunks;
  }

  async close(): Promise<void> {
    try {
      await this.#writer?.close();
    } finally {
      try {
        this.#chunks?.close();
      } finally {
        this.#connection.close();
      }
    }
  }

  async #write(op: WriteOperation, ...args: unknown[]): Promise<StorageOutcome<never>> {
    if (this.#writer) return (await this.#writer.call(op, args)) as StorageOutcome<never>;
    const method = this.#database[op].bind(this.#database) as (
      ...a: unknown[]
    ) => StorageOutcome<never>;
    return withChunkFiles(this.#chunks, op, args, () => method(...args));
  }

  // ---- path tree -------------------------------------------------------------------------------

  async pathExists(path: SequencePath): Promise<boolean> {
    return this.#database.pathExists(path.toString());
  }

  createPath(path: SequencePath, createdAt: number): StorageAnswer<string[]> {
    return this.#write('createPath', path.toString(), createdAt);
  }

  deletePath(path: SequencePath, deleteSequences: boolean): StorageAnswer<void> {
    return this.#write('deletePath', path.toString(), deleteSequences);
  }

  async children(path: SequencePath): StorageAnswer<string[]> {
    return this.#database.children(path.toString());
  }

  async creationDate(path: SequencePath): StorageAnswer<number> {
    return this.#database.creationDate(path.toString());
  }

  movePath(source: SequencePath, destination: SequencePath, now: number): StorageAnswer<void> {
    return this.#write('movePath', source.toString(), destination.toString(), now);
  }

  async isSequence(path: SequencePath): StorageAnswer<boolean> {
    return this.#database.isSequence(path.toString());
  }

  async sequencesUnder(path: SequencePath): StorageAnswer<string[]> {
    return this.#database.sequencesUnder(path.toString());
  }

  async sequencesInState(state: SequenceState): Promise<string[]> {
    return this.#database.sequencesInState(state);
  }

  // ---- sequences -------------------------------------------------------------------------------

  createSequence(
    path: SequencePath,
    draft: EncodedSequenceDraft,
    createdAt: number,
  ): StorageAnswer<void> {
    return this.#write('createSequence', path.toString(), draft, createdAt);
  }

  duplicateSequence(
    source: SequencePath,
    destination: SequencePath,
    createdAt: number,
  ): StorageAnswer<void> {
    return this.#write('duplicateSequence', source.toString(), destination.toString(), createdAt);
  }

  async getSequence(path: SequencePath) {
    return this.#database.getSequence(path.toString());
  }

  async getStats(path: SequencePath) {
    return this.#database.getStats(path.toString());
  }

  setIteration(
    path: SequencePath,
    iteration: string,
    expectedShots: number | null,
  ): StorageAnswer<void> {
    return this.#write('setIteration', path.toString(), iteration, expectedShots);
  }

  setTimeLanes(path: SequencePath, timeLanes: string): StorageAnswer<void> {
    return this.#write('setTimeLanes', path.toString(), timeLanes);
  }

  setPreparing(path: SequencePath, snapshot: EncodedPreparingSnapshot): StorageAnswer<void> {
    return this.#write('setPreparing', path.toString(), snapshot);
  }

  setRunning(path: SequencePath, startTime: number): StorageAnswer<void> {
    return this.#write('setRunning', path.toString(), startTime);
  }

  setFinished(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#write('setFinished', path.toString(), stopTime);
  }

  setInterrupted(path: SequencePath, stopTime: number): StorageAnswer<void> {
    return this.#write('setInterrupted', path.toString(), stopTime);
  }

  setCrashed(path: SequencePath, error: string, stopTime: number): StorageAnswer<void> {
    return this.#write('setCrashed', path.toString(), error, stopTime);
  }

  resetToDraft(path: SequencePath): StorageAnswer<void> {
    return this.#write('resetToDraft', path.toString());
  }

  async getError(path: SequencePath): StorageAnswer<string> {
    return this.#database.getError(path.toString());
  }

  async getSnapshot(path: SequencePath) {
    return this.#database.getSnapshot(path.toString());
  }

  // ---- shots -----------------------------------------------------------------------------------

  createShots(path: SequencePath, shots: PreparedShot[]): StorageAnswer<void> {
    return this.#write('createShots', path.toString(), shots);
  }

  async shotIndices(path: SequencePath): StorageAnswer<number[]> {
    return this.#database.shotIndices(path.toString());
  }

  async getShot(path: SequencePath, index: number) {
    return this.#database.getShot(path.toString(), index);
  }

  async getShotData(path: SequencePath, index: number, label: string) {
    return this.#database.getShotData(path.toString(), index, label);
  }

  async getAllShotData(path: SequencePath, index: number) {
    return this.#database.getAllShotData(path.toString(), index);
  }

  async shotTableRows(path: SequencePath, labels: string[] | null) {
    return this.#database.shotTableRows(path.toString(), labels);
  }

  // ---- lab-wide settings ---------------------------------------------------------------------

  async getSetting(name: string): Promise<string | undefined> {
    return this.#database.getSetting(name);
  }

  setSetting(name: string, content: string): StorageAnswer<void> {
    return this.#write('setSetting', name, content);
  }

  async listDevices() {
    return this.#database.listDevices();
  }

  async getDevice(name: string) {
    return this.#database.getDevice(name);
  }

  setDevice(name: string, type: string, content: string): StorageAnswer<void> {
    return this.#write('setDevice', name, type, content);
  }

  deleteDevice(name: string): StorageAnswer<void> {
    return this.#write('deleteDevice', name);
  }
}
