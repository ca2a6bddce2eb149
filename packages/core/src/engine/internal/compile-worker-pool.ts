import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  AbortedError,
  ShotlineError,
  errorFromSummary,
  type ErrorSummary,
} from '../../errors/index.js';
import type { Parameters } from '../../parameters/index.js';
import { CompileDeadlineError } from '../engine-errors.js';
import type {
  CompileRequest,
  CompileWorkerMessage,
  CompileWorkerSetup,
} from './compile-protocol.js';
import { deferred, type Deferred } from './deferred.js';
import type { CompiledShot, ShotCompilerBackend } from './shot-pipeline.js';
import { decodeFromTransfer } from './transfer.js';

interface Job {
  readonly id: number;
  readonly index: number;
  readonly request: CompileRequest;
  readonly submitted: number;
  readonly result: Deferred<CompiledShot>;
}

interface Slot {
  readonly number: number;
  worker: Worker;
  ready: boolean;
  /** Jobs sent to this worker, in order; the first is being compiled. */
  jobs: Job[];
  /** Deadline of the first job. */
  deadline: NodeJS.Timeout | undefined;
  /** Resolves when the worker is ready, rejects when its setup fails. */
  started: Deferred<void>;
}

/** Options of {@link CompileWorkerPool.start}. */
export interface CompileWorkerPoolOptions {
  readonly size: number;
  /** URL of the built worker entry (`compile-worker.js`). */
  readonly workerUrl: string;
  /** Most shots sent to a worker in one message (default 8). */
  readonly batchMax?: number;
  readonly setup: CompileWorkerSetup;
  readonly deadlineMs: number;
}

/** The compile worker setup failed (a plugin could not be loaded in a worker thread...). */
export class CompileWorkerSetupError extends ShotlineError {
  static override readonly code: string = 'COMPILE_WORKER_SETUP';
}

/**
 * A pool of worker threads that compile shots. Each worker rebuilds the compilers once from the
 * setup (never per shot); shots are handed out in submission order to idle workers. A shot that
 * takes longer than the deadline fails with {@link CompileDeadlineError}; its worker is terminated
 * and replaced.
 */
export class CompileWorkerPool implements ShotCompilerBackend {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  private dispatchQueued = false;

  private constructor(private readonly options: CompileWorkerPoolOptions) {}

  get threads(): number {
    return this.options.size;
  }

  /** Starts the workers and waits until each has rebuilt the compilers. */
  static async start(options: CompileWorkerPoolOptions): Promise<CompileWorkerPool> {
    const pool = new CompileWorkerPool(options);
    for (let i = 0; i < options.size; i++) pool.slots.push(pool.spawn(i));
    try {
      await Promise.all(pool.slots.map((s) => s.started.promise));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  compile(index: number, parameters: Parameters): Promise<CompiledShot> {
    if (this.closed) {
      return Promise.reject(new AbortedError(`compile pool closed before shot ${index}`));
    }
    const id = this.nextId++;
    const job: Job = {
      id,
      index,
      request: { id, index, parameters: parameters.toTypedJSON() },
      submitted: performance.now(),
      result: deferred(),
    };
    this.queue.push(job);
    // Shots submitted together (in one turn) travel to a worker in one message.
    if (!this.dispatchQueued) {
      this.dispatchQueued = true;
      queueMicrotask(() => {
        this.dispatchQueued = false;
        this.dispatch();
      });
    }
    return job.result.promise;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reason = new AbortedError('the sequence is ending: compilation cancelled');
    for (const job of this.queue.splice(0)) job.result.reject(reason);
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.deadline);
        for (const job of slot.jobs.splice(0)) job.result.reject(reason);
        await slot.worker.terminate();
      }),
    );
  }

  private spawn(number: number): Slot {
    const worker = new Worker(new URL(this.options.workerUrl), {
      workerData: this.options.setup,
      // Inherit nothing that would make the worker load TypeScript sources (test runners' flags).
      execArgv: [],
    });
    const slot: Slot = {
      number,
      worker,
      ready: false,
      jobs: [],
      deadline: undefined,
      started: deferred(),
    };
    worker.on('message', (message: CompileWorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onCrash(slot, error));
    worker.on('exit', (code) => {
      if (!this.closed && slot.worker === worker) {
        this.onCrash(slot, new Error(`compile worker ${number} exited with code ${code}`));
      }
    });
    return slot;
  }

  private onMessage(slot: Slot, message: CompileWorkerMessage): void {
    switch (message.kind) {
      case 'ready':
        slot.ready = true;
        slot.started.resolve();
        this.dispatch();
        return;
      case 'setup-failed':
        this.failSetup(slot, message.error);
        return;
      case 'compiled':
      case 'compile-failed': {
        const job = slot.jobs[0];
        if (!job || job.id !== message.id) return;
        clearTimeout(slot.deadline);
        slot.jobs.shift();
        this.startDeadline(slot);
        if (message.kind === 'compiled') {
          const deviceParameters = new Map<string, unknown>();
          for (const [device, value] of message.deviceParameters) {
            deviceParameters.set(device, decodeFromTransfer(value));
          }
          job.result.resolve({
            index: job.index,
            deviceParameters,
            durationSeconds: message.durationSeconds,
            compileMs: performance.now() - job.submitted,
            thread: slot.number,
          });
        } else {
          job.result.reject(errorFromSummary(message.error));
        }
        this.dispatch();
        return;
      }
    }
  }

  private failSetup(slot: Slot, summary: ErrorSummary): void {
    const error = new CompileWorkerSetupError(
      `compile worker ${slot.number} could not rebuild the compilers: ${summary.message}`,
      { cause: errorFromSummary(summary) },
    );
    slot.started.reject(error);
    // A replacement that fails after start: nothing can compile any more.
    for (const job of this.queue.splice(0)) job.result.reject(error);
  }

  private onCrash(slot: Slot, error: Error): void {
    if (this.closed) return;
    clearTimeout(slot.deadline);
    const [job, ...others] = slot.jobs.splice(0);
    // Shots sent with the failed one go back to the front of the queue, in order.
    this.queue.unshift(...others);
    const crash = new ShotlineError(
      `compile worker ${slot.number} crashed${job ? ` while compiling shot ${job.index}` : ''}: ${error.message}`,
      { cause: error, ...(job ? { location: { shot: job.index } } : {}) },
    );
    slot.started.reject(crash);
    job?.result.reject(crash);
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const old = slot.worker;
    old.removeAllListeners();
    old.on('error', () => undefined);
    void old.terminate();
    const fresh = this.spawn(slot.number);
    this.slots[this.slots.indexOf(slot)] = fresh;
  }

  private dispatch(): void {
    const idle = this.slots.filter((s) => s.ready && s.jobs.length === 0);
    if (idle.length === 0 || this.queue.length === 0) return;
    // Share the queue among the idle workers, at most batchMax shots each.
    const share = Math.min(this.options.batchMax ?? 8, Math.ceil(this.queue.length / idle.length));
    for (const slot of idle) {
      if (this.queue.length === 0) return;
      slot.jobs = this.queue.splice(0, share);
      this.startDeadline(slot);
      slot.worker.postMessage({ kind: 'compile', requests: slot.jobs.map((j) => j.request) });
    }
  }

  private startDeadline(slot: Slot): void {
    const job = slot.jobs[0];
    if (!job) return;
    slot.deadline = setTimeout(() => this.onDeadline(slot, job), this.options.deadlineMs);
  }

  private onDeadline(slot: Slot, job: Job): void {
    if (slot.jobs[0] !== job || this.closed) return;
    const [, ...others] = slot.jobs.splice(0);
    this.queue.unshift(...others);
    job.result.reject(
      new CompileDeadlineError(
        `compiling the shot took longer than ${this.options.deadlineMs} ms; ` +
          `compile worker ${slot.number} was terminated and replaced`,
        {
          location: { sequence: this.options.setup.sequence.sequencePath, shot: job.index },
        },
      ),
    );
    this.replace(slot);
  }
}
