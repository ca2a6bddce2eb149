import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedShot, StorageOutcome as Outcome } from '@shotline/core';
import type { CheckpointStats } from './checkpoint-signals.js';
import type { WriteOperation } from './session-database.js';
import type { ThrownError, WriterInit, WriterReply, WriterRequest } from './writer-protocol.js';

/** Where the built worker script is: next to this file in dist, or in dist when running from src. */
function workerScript(): string {
  const url = import.meta.url.endsWith('.ts')
    ? new URL('../../dist/internal/writer-worker.js', import.meta.url)
    : new URL('./writer-worker.js', import.meta.url);
  const file = fileURLToPath(url);
  if (!existsSync(file)) {
    throw new Error(
      `the SQLite writer worker is not built (${file}): run "npx tsc -b packages/storage-sqlite/tsconfig.lib.json", or open the storage with writer: "inline"`,
    );
  }
  return file;
}

/** Rebuilds an error thrown in the worker, keeping its name, code and stack. */
export function rebuildThrown(thrown: ThrownError): Error {
  const error = new Error(thrown.message);
  error.name = thrown.name;
  if (thrown.code !== undefined) (error as Error & { code: string }).code = thrown.code;
  if (thrown.stack !== undefined) error.stack = thrown.stack;
  return error;
}

/**
 * An error the worker threw, as an Error: an error thrown in a worker thread arrives as a plain
 * object when its class cannot be cloned (better-sqlite3's SqliteError), which would print as
 * `#<Object>` and lose its message and code.
 */
function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  if (typeof e === 'object' && e !== null) {
    const { name, message, code, stack } = e as Partial<Record<string, unknown>>;
    return rebuildThrown({
      name: typeof name === 'string' ? name : 'Error',
      message: typeof message === 'string' ? message : JSON.stringify(e),
      ...(typeof code === 'string' ? { code } : {}),
      ...(typeof stack === 'string' ? { stack } : {}),
    });
  }
  return new Error(String(e));
}

/** Most bytes of array buffers kept for reuse. */
const MAX_SPARE_BYTES = 64 * 2 ** 20;

interface Pending {
  resolve: (outcome: Outcome<unknown>) => void;
  reject: (error: Error) => void;
}

/**
 * The main thread's handle on the writer worker: posts write requests and resolves each with its
 * outcome once committed. The worker keeps the process alive only while writes are pending.
 */
export class WriterClient {
  private readonly pending = new Map<number, Pending>();
  /** Array buffers handed back by the worker, by size, to copy the next shots' arrays into. */
  private readonly spare = new Map<number, ArrayBuffer[]>();
  private spareBytes = 0;
  private nextId = 1;
  private failed: Error | undefined;
  private closing = false;
  private exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: WriterReply | WriterReply[]) => {
      if (Array.isArray(reply)) for (const one of reply) this.settle(one);
      else this.settle(reply);
    });
    worker.on('error', (e: unknown) => this.fail(asError(e)));
    worker.on('exit', (code) => {
      this.fail(new Error(`the SQLite writer worker exited (code ${code})`));
    });
  }

  /** Starts the worker and waits until it has opened its connection. */
  static async start(init: WriterInit): Promise<WriterClient> {
    const worker = new Worker(workerScript(), { workerData: init });
    const ready = await new Promise<WriterReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', (e: unknown) => reject(asError(e)));
    });
    if ('thrown' in ready) {
      await worker.terminate();
      throw rebuildThrown(ready.thrown);
    }
    const client = new WriterClient(worker);
    worker.unref();
    return client;
  }

  private settle(reply: WriterReply): void {
    for (const buffer of reply.recycled ?? []) this.keep(buffer);
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
    if ('thrown' in reply) pending.reject(rebuildThrown(reply.thrown));
    else pending.resolve(reply.outcome);
  }

  private keep(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || this.spareBytes + buffer.byteLength > MAX_SPARE_BYTES) return;
    const list = this.spare.get(buffer.byteLength);
    if (list === undefined) this.spare.set(buffer.byteLength, [buffer]);
    else list.push(buffer);
    this.spareBytes += buffer.byteLength;
  }

  /** A buffer of `size` bytes: a spare one when there is one (no allocation, no page faults). */
  private buffer(size: number): ArrayBuffer {
    const buffer = this.spare.get(size)?.pop();
    if (buffer === undefined) return new ArrayBuffer(size);
    this.spareBytes -= size;
    return buffer;
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private post(request: WriterRequest, transfer: ArrayBuffer[] = []): Promise<Outcome<unknown>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request, transfer);
    });
  }

  /**
   * Runs one write operation in the worker. Array bytes of shots are copied once here and moved to
   * the worker (transferred), never cloned: a view into a larger buffer would otherwise clone all of
   * it, and the caller's arrays stay untouched. The copies go into buffers the worker handed back
   * after earlier writes: allocating and freeing a fresh half-megabyte buffer per image costs more
   * (page faults, unmapping) than copying it.
   */
  call(op: WriteOperation, args: unknown[]): Promise<Outcome<unknown>> {
    const transfer: ArrayBuffer[] = [];
    if (op === 'createShots') {
      const shots = args[1] as PreparedShot[];
      args = [
        args[0],
        shots.map((shot) => ({
          ...shot,
          arrays: shot.arrays.map((array) => {
            const bytes = new Uint8Array(this.buffer(array.bytes.byteLength));
            bytes.set(array.bytes);
            transfer.push(bytes.buffer);
            return { ...array, bytes };
          }),
        })),
      ];
    }
    return this.post({ id: this.nextId++, op, args }, transfer);
  }

  /** What the background checkpointing did so far. */
  async checkpointStats(): Promise<CheckpointStats> {
    const outcome = await this.post({ id: this.nextId++, op: 'checkpointStats' });
    return (outcome as { ok: true; value: CheckpointStats }).value;
  }

  /** Lets pending writes finish, closes the worker's connection and waits for the worker to end. */
  async close(): Promise<void> {
    // Keep the process alive until the worker has closed its connection and ended.
    this.closing = true;
    this.worker.ref();
    if (!this.failed) {
      try {
        await this.post({ id: this.nextId++, op: 'close' });
      } catch {
        // The worker already failed; the exit below is all that is left to wait for.
      }
    }
    await this.exited;
  }
}
