import {
  type ExperimentManager,
  type ExperimentSession,
  type JsonValue,
  ParameterNamespace,
  type Procedure,
  QueuedRunNotFoundError,
  type QueuedRun,
  SequencePath,
  type SessionStorage,
  summarizeError,
} from '@shotline/core';
import type { FastifyBaseLogger } from 'fastify';
import { queuedRunOptionsSchema } from './queue-options.js';
import type { QueuedRunOptions } from './queue-options.js';
import {
  QueueStateError,
  SequenceAlreadyQueuedError,
  ServerClosingError,
} from '../http/server-errors.js';

/** Options of {@link QueueRunner}. */
export interface QueueRunnerOptions {
  readonly storage: SessionStorage;
  readonly session: ExperimentSession;
  readonly manager: ExperimentManager;
  readonly log: FastifyBaseLogger;
  /** Whether the lab lock is held (nothing runs while it is not). */
  readonly labLocked: () => boolean;
  /** Told about every change of a run (for the audit log and clients). */
  readonly onChange?: (run: QueuedRun) => void;
}

/**
 * Runs the lab's durable queue: the runs submitted are kept in storage in order, and run one at a
 * time, each inside its own procedure of the server's manager (so a script's procedure, local to
 * the server or remote, and the queue take turns: one active procedure per lab). A restarted server
 * goes on with the runs still queued; a run it finds `running` was cut by the stop and is marked
 * crashed.
 */
export class QueueRunner {
  private wake: (() => void) | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private current: { run: QueuedRun; procedure: Procedure } | undefined;
  /** Runs submitted and not yet ended, by sequence (refuses a second submission). */
  private readonly pending = new Set<string>();

  constructor(private readonly options: QueueRunnerOptions) {}

  /** Recovers the runs a previous server left running, then starts running the queue. */
  async start(): Promise<void> {
    const { storage } = this.options;
    for (const run of await storage.listQueuedRuns(['running'])) {
      const error = new ServerClosingError(
        'the server stopped while this run was running; see the state of its sequence',
        { location: { sequence: run.sequence } },
      );
      await storage.updateQueuedRun(run.id, {
        state: 'crashed',
        endedAt: new Date(),
        error: summarizeError(error, { stack: false }),
      });
    }
    for (const run of await storage.listQueuedRuns(['queued'])) this.pending.add(run.sequence);
    this.loop = this.runLoop();
  }

  /** Submits a run (checked first: the sequence exists, can run, is not already queued). */
  async submit(
    id: string,
    user: string,
    sequence: string,
    options: QueuedRunOptions,
  ): Promise<QueuedRun> {
    if (this.stopping)
      throw new ServerClosingError('the server is shutting down: nothing new is queued');
    const path = SequencePath.parse(sequence);
    const key = path.toString();
    if (this.pending.has(key)) {
      throw new SequenceAlreadyQueuedError(
        `sequence ${key} is already queued or running; wait for it, or cancel it first`,
        { location: { sequence: key } },
      );
    }
    const state = await this.options.session.state(path);
    if (state === 'preparing' || state === 'running' || state === 'paused') {
      throw new SequenceAlreadyQueuedError(`sequence ${key} is ${state.toUpperCase()}`, {
        location: { sequence: key },
      });
    }
    const continuing = options.continue !== undefined && options.continue !== false;
    if (continuing && options.reset) {
      throw new QueueStateError('continue and reset exclude each other (reset erases the shots)', {
        location: { sequence: key },
      });
    }
    if (continuing && state !== 'interrupted' && state !== 'crashed') {
      throw new QueueStateError(
        `sequence ${key} is ${state.toUpperCase()}; only an INTERRUPTED or CRASHED sequence can be continued`,
        { location: { sequence: key } },
      );
    }
    if (continuing && (options.globals || options.deviceConfigurations)) {
      throw new QueueStateError(
        `a continuation of ${key} runs on its snapshot of globals and device configurations; it takes no others`,
        { location: { sequence: key } },
      );
    }
    if (!continuing && state !== 'draft' && !options.reset) {
      throw new QueueStateError(
        `sequence ${key} is ${state.toUpperCase()}; only a DRAFT can run (submit with reset: true to erase its shots and run it again)`,
        { location: { sequence: key } },
      );
    }
    this.pending.add(key);
    try {
      const run = (
        await this.options.storage.enqueueRun({
          id,
          sequence: key,
          submittedBy: user,
          submittedAt: new Date(),
          options: options as JsonValue,
        })
      ).unwrap();
      this.options.onChange?.(run);
      this.wake?.();
      return run;
    } catch (error) {
      this.pending.delete(key);
      throw error;
    }
  }

  /** Cancels a run still waiting. */
  async cancel(id: string): Promise<QueuedRun> {
    const run = await this.find(id);
    if (run.state !== 'queued') {
      throw new QueueStateError(
        `run ${id} is ${run.state}; only a queued run can be cancelled (interrupt a running one)`,
        { location: { sequence: run.sequence } },
      );
    }
    const cancelled = (
      await this.options.storage.updateQueuedRun(id, { state: 'cancelled', endedAt: new Date() })
    ).unwrap();
    this.pending.delete(run.sequence);
    this.options.onChange?.(cancelled);
    return cancelled;
  }

  /** Interrupts the running run (its shot in progress finishes); false if it is not running. */
  async interrupt(id: string): Promise<boolean> {
    await this.find(id);
    if (this.current?.run.id !== id) return false;
    return this.current.procedure.interruptSequence();
  }

  /** Moves a queued run to `position` among the queued runs (0 = next). */
  async move(id: string, position: number): Promise<QueuedRun[]> {
    const run = await this.find(id);
    if (run.state !== 'queued') {
      throw new QueueStateError(`run ${id} is ${run.state}; only a queued run can be moved`);
    }
    const queued = (await this.options.storage.listQueuedRuns(['queued'])).map((r) => r.id);
    const order = queued.filter((q) => q !== id);
    order.splice(Math.min(Math.max(0, position), order.length), 0, id);
    (await this.options.storage.reorderQueuedRuns(order)).unwrap();
    return this.options.storage.listQueuedRuns(['queued']);
  }

  private async find(id: string): Promise<QueuedRun> {
    const run = (await this.options.storage.listQueuedRuns()).find((r) => r.id === id);
    if (!run) throw new QueuedRunNotFoundError(id);
    return run;
  }

  /** Stops taking runs; with `interrupt`, interrupts the running one; waits for it to end. */
  async stop(options: { interrupt: boolean }): Promise<void> {
    this.stopping = true;
    if (options.interrupt) this.current?.procedure.interruptSequence();
    this.wake?.();
    await this.loop;
  }

  /** Wakes the loop (e.g. the lab lock was taken). */
  poke(): void {
    this.wake?.();
  }

  private async runLoop(): Promise<void> {
    while (!this.stopping) {
      const next = this.options.labLocked()
        ? (await this.options.storage.listQueuedRuns(['queued']))[0]
        : undefined;
      if (!next) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      try {
        await this.runOne(next);
      } catch (error) {
        this.options.log.error({ err: error, run: next.id }, 'the queue runner failed');
      }
    }
  }

  private async runOne(queued: QueuedRun): Promise<void> {
    const { storage, session, manager } = this.options;
    const procedure = manager.createProcedure(`queue ${queued.sequence} (${queued.id})`);
    await procedure.activate();
    let ran = false;
    try {
      // It may have been cancelled or moved while a script's procedure held the lab.
      const again = (await storage.listQueuedRuns(['queued']))[0];
      if (!again || again.id !== queued.id || this.stopping) return;
      const options = queuedRunOptionsSchema.parse(queued.options);
      const path = SequencePath.parse(queued.sequence);
      let run = (
        await storage.updateQueuedRun(queued.id, { state: 'running', startedAt: new Date() })
      ).unwrap();
      ran = true;
      this.current = { run, procedure };
      this.options.onChange?.(run);
      let failure: unknown;
      try {
        if (options.reset && (await session.state(path)) !== 'draft') {
          await session.resetToDraft(path);
        }
        if (options.continue !== undefined && options.continue !== false) {
          await procedure.continueSequence(
            path,
            typeof options.continue === 'string' ? { reason: options.continue } : {},
          );
        } else {
          await procedure.runSequence(path, {
            ...(options.globals ? { globals: ParameterNamespace.fromJSON(options.globals) } : {}),
            ...(options.deviceConfigurations
              ? { deviceConfigurations: options.deviceConfigurations }
              : {}),
          });
        }
      } catch (error) {
        failure = error;
      }
      const state = await session.state(path).catch(() => 'crashed' as const);
      run = (
        await storage.updateQueuedRun(queued.id, {
          state:
            failure !== undefined
              ? 'crashed'
              : state === 'interrupted'
                ? 'interrupted'
                : 'finished',
          endedAt: new Date(),
          ...(failure !== undefined ? { error: summarizeError(failure, { stack: false }) } : {}),
        })
      ).unwrap();
      this.options.onChange?.(run);
    } finally {
      this.current = undefined;
      if (ran) this.pending.delete(queued.sequence);
      await procedure.deactivate();
    }
  }
}
