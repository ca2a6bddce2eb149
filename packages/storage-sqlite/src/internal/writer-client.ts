import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedShot } from '@shotline/core';
import type { WriteOperation } from './session-database.js';
import type { Outcome } from './storage-failure.js';
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
  private nextId = 1;
  private failed: Error | undefined;
  private closing = false;
  private exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      this.fail(new Error(`the SQLite writer worker exited (code ${code})`));
    });
  }

  /** Starts the worker and waits until it has opened its connection. */
  static async start(init: WriterInit): Promise<WriterClient> {
    const worker = new Worker(workerScript(), { workerData: init });
    const ready = await new Promise<WriterReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
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
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
    if ('thrown' in reply) pending.reject(rebuildThrown(reply.thrown));
    else pending.resolve(reply.outcome);
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
   * it, and the caller's arrays stay untouched.
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
            const bytes = array.bytes.slice();
            transfer.push(bytes.buffer);
            return { ...array, bytes };
          }),
        })),
      ];
    }
    return this.post({ id: this.nextId++, op, args }, transfer);
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
