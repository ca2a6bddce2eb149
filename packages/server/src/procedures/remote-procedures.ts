import { randomUUID } from 'node:crypto';
import {
  type ExperimentManager,
  ParameterNamespace,
  type Procedure,
  type StartSequenceOptions,
  type WireError,
  summarizeError,
  withoutStacks,
} from '@shotline/core';
import type { z } from 'zod';
import type {
  procedureStatusSchema,
  runStatusSchema,
  startSequenceBodySchema,
} from '@shotline/core';
import { ProcedureNotFoundError } from '../http/server-errors.js';

type ProcedureStatus = z.infer<typeof procedureStatusSchema>;
type RunStatus = z.infer<typeof runStatusSchema>;

interface RunRecord {
  readonly run: string;
  readonly sequence: string;
  ended: boolean;
  error: WireError | undefined;
}

interface ProcedureRecord {
  readonly id: string;
  readonly session: string;
  readonly user: string;
  readonly procedure: Procedure;
  /** Settles when activation ended (active, or failed). */
  readonly activation: Promise<void>;
  activationError: Error | undefined;
  /** Set when the client is gone: the procedure is left as soon as it can be. */
  abandoned: boolean;
  readonly runs: RunRecord[];
}

/** What the remote procedures tell the rest of the server. */
export interface RemoteProcedureListener {
  /** A run of a remote procedure ended, after all the events of its sequence. */
  sequenceEnded(procedure: string, run: string, error: WireError | undefined): void;
}

/** How many ended runs a procedure remembers (for clients that missed the end). */
const RUN_HISTORY = 20;

/**
 * The procedures of remote clients (`ExperimentManager.connect`), each a real {@link Procedure} of
 * the server's manager: the same lock (one active procedure per lab, shared with the queue), the
 * same sequence semantics. A procedure belongs to its client's session; when the session expires
 * (the client is gone), a running sequence goes on to its end and the procedure is then left.
 */
export class RemoteProcedures {
  private readonly records = new Map<string, ProcedureRecord>();

  constructor(
    private readonly manager: ExperimentManager,
    private readonly listener: RemoteProcedureListener,
  ) {}

  /** Creates a procedure for a session and starts activating it. */
  create(
    session: string,
    user: string,
    name: string,
    acquisitionTimeoutMs?: number,
  ): ProcedureStatus {
    const procedure = this.manager.createProcedure(
      name,
      acquisitionTimeoutMs === undefined ? {} : { acquisitionTimeout: acquisitionTimeoutMs },
    );
    const id = randomUUID();
    const record: ProcedureRecord = {
      id,
      session,
      user,
      procedure,
      activationError: undefined,
      abandoned: false,
      runs: [],
      activation: procedure.activate().then(
        async () => {
          if (record.abandoned) await this.leave(record);
        },
        (error: unknown) => {
          // Kept until its client reads it (waitActive) or its session expires.
          record.activationError = error instanceof Error ? error : new Error(String(error));
        },
      ),
    };
    this.records.set(id, record);
    return this.status(record);
  }

  /** Waits at most `waitMs` for the activation; rethrows its error (e.g. the acquisition timeout). */
  async waitActive(id: string, user: string, waitMs: number): Promise<ProcedureStatus> {
    const record = this.records.get(id);
    if (record === undefined || record.user !== user) {
      throw new ProcedureNotFoundError(`no procedure with id "${id}" on this server`);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      record.activation,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
    if (record.activationError) {
      this.records.delete(id); // reported once, to its own client
      throw record.activationError;
    }
    return this.status(record);
  }

  /** Starts a sequence in an active procedure; its end is published by the listener. */
  start(id: string, user: string, body: z.infer<typeof startSequenceBodySchema>): void {
    const record = this.get(id, user);
    const options: StartSequenceOptions = {
      ...(body.globals ? { globals: ParameterNamespace.fromJSON(body.globals) } : {}),
      ...(body.deviceConfigurations
        ? {
            deviceConfigurations: body.deviceConfigurations.map((d) => ({
              name: d.name,
              type: d.type,
              configuration: d.configuration,
            })),
          }
        : {}),
    };
    record.procedure.startSequence(body.sequence, options);
    const run: RunRecord = {
      run: body.run,
      sequence: body.sequence,
      ended: false,
      error: undefined,
    };
    record.runs.push(run);
    if (record.runs.length > RUN_HISTORY) record.runs.shift();
    void record.procedure.exception().then((error) => {
      run.ended = true;
      run.error = error ? withoutStacks(summarizeError(error, { stack: false })) : undefined;
      this.listener.sequenceEnded(id, run.run, run.error);
    });
  }

  /** How a run ended, for a client that missed the event. */
  runStatus(id: string, user: string, runId: string): RunStatus {
    const record = this.get(id, user);
    const run = record.runs.find((r) => r.run === runId);
    if (!run)
      throw new ProcedureNotFoundError(
        `procedure "${record.procedure.name}" has no run "${runId}"`,
      );
    return {
      run: run.run,
      sequence: run.sequence,
      ended: run.ended,
      ...(run.error ? { error: run.error } : {}),
    };
  }

  interrupt(id: string, user: string): boolean {
    return this.get(id, user).procedure.interruptSequence();
  }

  /** Leaves the procedure (after its running sequence) and forgets it. */
  async deactivate(id: string, user: string): Promise<void> {
    await this.leave(this.get(id, user));
  }

  /** The client of a session is gone: its procedures are left once their sequences end. */
  abandonSession(session: string): void {
    for (const record of this.records.values()) {
      if (record.session !== session) continue;
      record.abandoned = true;
      if (record.activationError) this.records.delete(record.id);
      else if (record.procedure.isActive()) void this.leave(record);
    }
  }

  /** Every procedure, for listings. */
  list(): ProcedureStatus[] {
    return [...this.records.values()].map((r) => this.status(r));
  }

  /** Asks every running remote sequence to stop (server shutdown with interrupt). */
  interruptAll(): void {
    for (const record of this.records.values()) record.procedure.interruptSequence();
  }

  /** Leaves every procedure (server shutdown), after their sequences. */
  async leaveAll(): Promise<void> {
    await Promise.all([...this.records.values()].map((r) => this.leave(r)));
  }

  private async leave(record: ProcedureRecord): Promise<void> {
    try {
      await record.procedure.deactivate();
    } finally {
      this.records.delete(record.id);
    }
  }

  private get(id: string, user: string): ProcedureRecord {
    const record = this.records.get(id);
    if (!record || record.user !== user) {
      throw new ProcedureNotFoundError(
        `no procedure with id "${id}" for this client (it was left, or its client's session expired)`,
      );
    }
    return record;
  }

  private status(record: ProcedureRecord): ProcedureStatus {
    const running = record.procedure.isRunningSequence();
    const sequences = record.procedure.sequences();
    return {
      id: record.id,
      name: record.procedure.name,
      active: record.procedure.isActive(),
      waiting: !record.procedure.isActive() && record.activationError === undefined,
      runningSequence: running ? (sequences[sequences.length - 1]?.toString() ?? null) : null,
    };
  }
}
