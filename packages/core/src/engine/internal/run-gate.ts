import type { ShotlineEventBus } from '../../events/index.js';
import type { ParameterNamespace } from '../../parameters/index.js';
import type { SequencePath } from '../../path/index.js';
import type { ReloadedGlobals } from '../../sequence/index.js';
import { type ExperimentSession, WrongSequenceStateError } from '../../session/index.js';
import { deferred, type Deferred } from './deferred.js';
import type { PipelineHandle, ShotCompilerBackend, ShotGate } from './shot-pipeline.js';
import type { ShotSource } from './shot-source.js';
import type { SuspenderMonitor } from './suspender-monitor.js';

/** What reloading the globals on resume gives the run. */
export interface GlobalsReload {
  readonly source: ShotSource;
  readonly compiler: ShotCompilerBackend;
  readonly globals: ParameterNamespace;
  readonly reloaded: ReloadedGlobals;
}

/** What a {@link RunGate} needs from the run. */
export interface RunGateOptions {
  readonly session: ExperimentSession;
  readonly path: SequencePath;
  readonly events: ShotlineEventBus;
  readonly monitor: SuspenderMonitor | undefined;
  /** Emits the `sequence-state` event of a pause or a resume. */
  readonly announce: (
    state: 'paused' | 'running',
    detail: { reason: 'request' | 'suspender' | 'resumed'; suspenders?: string[] },
  ) => void;
  /**
   * Reads the lab's globals again for the shots from `nextIndex` on: the new shot source and
   * compiler, or undefined when nothing changed. Throws (naming why) when they cannot apply to the
   * running sequence; the run then stays PAUSED.
   */
  readonly reloadGlobals: (
    nextIndex: number,
  ) => Promise<GlobalsReload | { unchanged: ReloadedGlobals }>;
  /** How often requests stored by other processes (`shotline seq pause`) are read, in ms. */
  readonly controlPollMs: number;
}

/** Options of a resume. */
export interface ResumeOptions {
  /** Apply the globals changed while paused to the remaining shots (recorded on the sequence). */
  readonly reloadGlobals?: boolean;
  /** Who asks, for the record. */
  readonly by?: string;
}

interface ResumeAsk {
  readonly reloadGlobals: boolean;
  readonly by: string | undefined;
  readonly done: Deferred<void>[];
}

/**
 * Holds a running sequence PAUSED at shot boundaries: when asked (by the procedure, or by a request
 * stored by another process) or when a suspender trips. Pausing flushes the shots run so far to
 * storage and stores PAUSED with its event; the devices stay open and the shots compiled ahead are
 * kept. While a data suspender holds the run, the next shot runs as a probe (not stored) to read its
 * label again. Resuming runs the actions due before it (warm-up shots, functions), reloads the
 * globals if asked (then the shots compiled ahead are recompiled) and stores RUNNING with its event.
 */
export class RunGate implements ShotGate {
  private pauseAsk: { by: string | undefined } | undefined;
  private readonly pauseWaiters: Deferred<void>[] = [];
  private resumeAsk: ResumeAsk | undefined;
  private wantedWaiter: Deferred<void> | undefined;
  private changeWaiter: Deferred<void> | undefined;
  private isPaused = false;
  private ended = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastEventId = 0;

  constructor(private readonly options: RunGateOptions) {}

  /** True while the sequence is stored PAUSED. */
  get paused(): boolean {
    return this.isPaused;
  }

  get wanted(): boolean {
    return this.pauseAsk !== undefined || (this.options.monitor?.anyTripped() ?? false);
  }

  whenWanted(): Promise<void> {
    if (this.wanted) return Promise.resolve();
    this.wantedWaiter ??= deferred();
    return this.wantedWaiter.promise;
  }

  /** Something changed (a request, a suspender): wake whoever waits. */
  changed(): void {
    const change = this.changeWaiter;
    this.changeWaiter = undefined;
    change?.resolve();
    if (this.wanted) {
      const wanted = this.wantedWaiter;
      this.wantedWaiter = undefined;
      wanted?.resolve();
    }
  }

  /**
   * Asks the run to pause at the next shot boundary; resolves once PAUSED is stored (or the run
   * ended first). Refused when the procedure already paused it.
   */
  requestPause(by?: string): Promise<void> {
    if (this.ended) return Promise.resolve();
    if (this.isPaused && this.pauseAsk !== undefined && this.resumeAsk === undefined) {
      return Promise.reject(
        new WrongSequenceStateError(
          'pause',
          this.options.path.toString(),
          'paused',
          ['running'],
          'resume it first',
        ),
      );
    }
    // A pending resume is superseded by the newer pause.
    for (const waiter of this.resumeAsk?.done ?? []) waiter.resolve();
    this.resumeAsk = undefined;
    this.pauseAsk = { by };
    if (this.isPaused) return Promise.resolve();
    const done = deferred<void>();
    this.pauseWaiters.push(done);
    this.changed();
    return done.promise;
  }

  /**
   * Asks a PAUSED run to resume; resolves once RUNNING is stored (or the run ended). Rejects when
   * the run is not paused, or when the globals cannot be reloaded (the run stays PAUSED).
   */
  requestResume(options: ResumeOptions = {}): Promise<void> {
    if (!this.isPaused && this.pauseAsk === undefined) {
      return Promise.reject(
        new WrongSequenceStateError('resume', this.options.path.toString(), 'running', ['paused']),
      );
    }
    const done = deferred<void>();
    const previous = this.resumeAsk;
    this.resumeAsk = {
      reloadGlobals: options.reloadGlobals === true || previous?.reloadGlobals === true,
      by: options.by ?? previous?.by,
      done: [...(previous?.done ?? []), done],
    };
    this.changed();
    return done.promise;
  }

  /**
   * Reads, every `controlPollMs`, the pause and resume requests that other processes stored on the
   * sequence after `afterId` (`shotline seq pause`), and applies them.
   */
  startPolling(afterId: number): void {
    this.lastEventId = afterId;
    let busy = false;
    const { session, path, events } = this.options;
    this.pollTimer = setInterval(() => {
      if (busy || this.ended) return;
      busy = true;
      void (async () => {
        try {
          for (const event of await session.events(path, { afterId: this.lastEventId })) {
            this.lastEventId = Math.max(this.lastEventId, event.id);
            if (event.kind === 'pause-requested') {
              const by = (event.data as { by: string }).by;
              await this.requestPause(by).catch((e: unknown) => this.warn(e));
            } else if (event.kind === 'resume-requested') {
              const data = event.data as { by: string; reloadGlobals: boolean };
              // Not awaited: the resume may wait for suspenders.
              this.requestResume({ by: data.by, reloadGlobals: data.reloadGlobals }).catch(
                (e: unknown) => this.warn(e),
              );
            }
          }
        } catch (e) {
          events.emit({
            type: 'log',
            level: 'warn',
            sequence: path.toString(),
            message: `could not read pause and resume requests: ${e instanceof Error ? e.message : String(e)}`,
          });
        } finally {
          busy = false;
        }
      })();
    }, this.options.controlPollMs);
  }

  private warn(e: unknown): void {
    this.options.events.emit({
      type: 'log',
      level: 'warn',
      sequence: this.options.path.toString(),
      message: e instanceof Error ? e.message : String(e),
    });
  }

  /** The run ended: nothing is held any more; pending requests resolve. */
  end(): void {
    this.ended = true;
    clearInterval(this.pollTimer);
    for (const waiter of this.pauseWaiters.splice(0)) waiter.resolve();
    for (const waiter of this.resumeAsk?.done ?? []) waiter.resolve();
    this.resumeAsk = undefined;
    this.changed();
  }

  async hold(handle: PipelineHandle, stop: readonly AbortSignal[]): Promise<'go' | 'interrupted'> {
    const { session, path, monitor } = this.options;
    const stopped = (): boolean => stop.some((s) => s.aborted);
    // The suspender trips that cause this pause are stored before it, the shots run before it too.
    await monitor?.settled();
    await handle.flush();
    if (stopped()) return stop[0]!.aborted ? 'interrupted' : 'go';
    const byRequest = this.pauseAsk !== undefined;
    const suspenders = monitor?.tripped() ?? [];
    await session.markPaused(path, {
      reason: byRequest ? 'request' : 'suspender',
      nextIndex: handle.nextIndex,
      ...(this.pauseAsk?.by ? { by: this.pauseAsk.by } : {}),
      suspenders,
    });
    this.isPaused = true;
    this.options.announce('paused', { reason: byRequest ? 'request' : 'suspender', suspenders });
    for (const waiter of this.pauseWaiters.splice(0)) waiter.resolve();
    let lastProbe = -Infinity;
    for (;;) {
      // Interrupted (the first signal) or halted: the run ends from PAUSED.
      if (stopped()) return stop[0]!.aborted ? 'interrupted' : 'go';
      if (this.resumeAsk !== undefined) this.pauseAsk = undefined;
      if (this.pauseAsk === undefined && !(monitor?.anyTripped() ?? false)) {
        const resumed = await this.resume(handle, stop);
        if (resumed !== 'wait') return resumed;
        continue;
      }
      const probeEvery = this.pauseAsk === undefined ? monitor?.probeEveryMs() : undefined;
      if (probeEvery !== undefined) {
        const wait = lastProbe + probeEvery - performance.now();
        if (wait > 0) {
          await this.nextChange(stop, wait);
          continue;
        }
        lastProbe = performance.now();
        const data = await handle.probe('probe');
        if (data === undefined) await this.nextChange(stop);
        else monitor!.observeProbe(handle.nextIndex, data);
        continue;
      }
      await this.nextChange(stop);
    }
  }

  /** Resumes (actions, reload, RUNNING stored), or `wait` when it must stay paused. */
  private async resume(
    handle: PipelineHandle,
    stop: readonly AbortSignal[],
  ): Promise<'go' | 'interrupted' | 'wait'> {
    const { session, path, monitor } = this.options;
    for (const action of monitor?.takeActionsBeforeResume() ?? []) {
      if (typeof action === 'function') await action();
      else {
        for (let i = 0; i < action!.warmupShots; i++) {
          if (stop.some((s) => s.aborted)) break;
          await handle.probe('warmup');
        }
      }
    }
    if (stop.some((s) => s.aborted)) return stop[0]!.aborted ? 'interrupted' : 'go';
    // A suspender tripped again meanwhile, or someone paused again.
    if (this.pauseAsk !== undefined || (monitor?.anyTripped() ?? false)) return 'wait';
    const ask = this.resumeAsk;
    // Taken before a reload replaces the shots compiled ahead.
    const nextIndex = handle.nextIndex;
    let reload: GlobalsReload | undefined;
    let reloaded: ReloadedGlobals | undefined;
    if (ask?.reloadGlobals) {
      try {
        const result = await this.options.reloadGlobals(nextIndex);
        if ('unchanged' in result) reloaded = result.unchanged;
        else {
          reload = result;
          reloaded = result.reloaded;
        }
      } catch (e) {
        // Refused: the run stays paused as asked, the asker learns why.
        this.resumeAsk = undefined;
        this.pauseAsk = { by: ask.by };
        for (const waiter of ask.done) waiter.reject(e);
        this.warn(e);
        return 'wait';
      }
      if (reload) await handle.replace(reload.source, reload.compiler);
    }
    // The suspenders' trips and clears are stored before the resume they led to.
    await monitor?.settled();
    await session.markResumed(
      path,
      {
        reason: ask ? 'request' : 'suspender',
        nextIndex,
        ...(ask?.by ? { by: ask.by } : {}),
        ...(reloaded ? { reloadedGlobals: reloaded } : {}),
      },
      reload?.globals,
    );
    this.isPaused = false;
    this.resumeAsk = undefined;
    this.options.announce('running', { reason: 'resumed' });
    for (const waiter of ask?.done ?? []) waiter.resolve();
    return 'go';
  }

  /** Waits for a change (request, suspender), a stop, or `timeoutMs`. */
  private async nextChange(stop: readonly AbortSignal[], timeoutMs?: number): Promise<void> {
    this.changeWaiter ??= deferred();
    const change = this.changeWaiter.promise;
    await new Promise<void>((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        for (const s of stop) s.removeEventListener('abort', done);
        resolve();
      }
      for (const s of stop) {
        if (s.aborted) return done();
        s.addEventListener('abort', done, { once: true });
      }
      void change.then(done);
    });
  }
}
