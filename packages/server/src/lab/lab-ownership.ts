import {
  type ExperimentManager,
  type HeldLocks,
  LAB_RESOURCE,
  ResourceBusyError,
  describeRunOwner,
} from '@shotline/core';
import type { FastifyBaseLogger } from 'fastify';
import { LabLockedError } from '../http/server-errors.js';

/**
 * The server's hold on the lab: the storage's lab lock (`manager.lockLab()`, the `lab` resource),
 * which excludes every other run — a `shotline run`, a script's own local manager, another server,
 * on any PC of a shared database — while the server's own runs (its manager's) go ahead.
 *
 * - Another holder of the lab itself (another server) makes {@link take} fail: one server per lab.
 * - Runs that hold devices or sequences (a command-line run) make the server wait: it tries again
 *   every `retryMs` and says meanwhile whom it waits for ({@link waitingFor}); it then refuses new
 *   work with `LAB_LOCKED`.
 * - A lock lost (its lease lapsed while the storage could not be reached and someone took it) is
 *   logged and taken again as soon as it can be; the server's runs under it end `LOCK_LOST`.
 */
export class LabOwnership {
  #held: HeldLocks | undefined;
  #waitingFor: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly manager: ExperimentManager,
    private readonly log: FastifyBaseLogger,
    private readonly retryMs: number,
    /** Called each time the lock is taken (the queue may start). */
    private readonly onTaken: () => void,
  ) {}

  /** Whether the server holds the lab now. */
  get held(): boolean {
    return this.#held !== undefined;
  }

  /** Who the server waits for while it does not hold the lab (a run, its host and pid). */
  get waitingFor(): string | undefined {
    return this.#waitingFor;
  }

  /**
   * Takes the lab, or starts waiting while runs hold some of its resources. Fails with
   * {@link LabLockedError} (the cause names the holder) when the lab itself is held: another
   * server owns it.
   */
  async take(): Promise<void> {
    const refusal = await this.#attempt();
    if (refusal === undefined) return;
    if (refusal.resource === LAB_RESOURCE && refusal.holder !== null) {
      throw new LabLockedError(
        `another server owns this lab: ${describeRunOwner(refusal.holder)}${
          refusal.since ? ` since ${refusal.since.toISOString()}` : ''
        }; stop it first, or use it (ExperimentManager.connect, or shotline commands in the lab folder)`,
        { cause: refusal, location: { resource: LAB_RESOURCE } },
      );
    }
    this.#wait(refusal);
  }

  /** Stops trying and lets the lab go. Idempotent. */
  async release(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const held = this.#held;
    this.#held = undefined;
    await held?.release();
  }

  /** One try: undefined when taken, else the refusal. Errors other than a refusal are thrown. */
  async #attempt(): Promise<ResourceBusyError | undefined> {
    let held: HeldLocks;
    try {
      held = await this.manager.lockLab();
    } catch (error) {
      if (error instanceof ResourceBusyError) return error;
      throw error;
    }
    if (this.#closed) {
      await held.release();
      return undefined;
    }
    this.#held = held;
    this.#waitingFor = undefined;
    held.lost.addEventListener('abort', () => this.#lost(held), { once: true });
    this.log.info('lab lock taken');
    this.onTaken();
    return undefined;
  }

  #wait(refusal: ResourceBusyError): void {
    const holder = refusal.holder
      ? `${refusal.heldFor ? `sequence ${refusal.heldFor}, run by ` : ''}${describeRunOwner(refusal.holder)}`
      : 'another process';
    if (holder !== this.#waitingFor) {
      this.log.warn({ holder, resource: refusal.resource }, 'the lab is in use; waiting for it');
    }
    this.#waitingFor = holder;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#attempt().then(
        (refusal) => {
          if (refusal) this.#wait(refusal);
        },
        (error: unknown) => {
          this.log.error({ err: error }, 'could not take the lab lock; trying again');
          this.#schedule();
        },
      );
    }, this.retryMs);
    this.#timer.unref();
  }

  #lost(held: HeldLocks): void {
    if (this.#held !== held) return;
    this.#held = undefined;
    this.#waitingFor = 'whoever took the lab lock over';
    this.log.error({ err: held.lost.reason }, 'the lab lock was lost; taking it again');
    void held.release().catch(() => undefined);
    this.#schedule();
  }
}
