import type { DataValue } from '../../data/index.js';
import { isNDArray } from '../../data/index.js';
import type { ShotlineEventBus } from '../../events/index.js';
import type { Parameters } from '../../parameters/index.js';
import type { SequencePath } from '../../path/index.js';
import type { ExperimentSession } from '../../session/index.js';
import { type CompiledSuspender, SuspenderFailedError } from '../../suspenders/index.js';
import { Quantity } from '../../units/index.js';

/** What the monitor needs from the run. */
export interface SuspenderMonitorOptions {
  readonly suspenders: readonly CompiledSuspender[];
  readonly session: ExperimentSession;
  readonly path: SequencePath;
  readonly events: ShotlineEventBus;
  /** The lab's current globals (evaluated), read for suspenders that watch a global. */
  readonly readGlobals: () => Promise<Parameters>;
  /** A suspender could not decide, or its event could not be stored: the run must stop. */
  readonly onFailure: (error: Error) => void;
  /** Something changed (a trip, a clear): whoever waits at the shot boundary looks again. */
  readonly onChange: () => void;
}

interface SuspenderState {
  tripped: boolean;
  /** Since when the condition has held while tripped (ms, `performance.now()`). */
  okSince: number | undefined;
  /** Tripped since the last resume: its action before resuming is due. */
  trippedThisPause: boolean;
}

/** A value as JSON for events: numbers, booleans, strings; quantities as text; arrays described. */
function valueForRecord(value: unknown): unknown {
  if (value instanceof Quantity) return value.toString();
  if (isNDArray(value)) return `array ${value.dtype} ${JSON.stringify(value.shape)}`;
  if (value === undefined) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.parse(JSON.stringify(value)) as unknown;
    } catch {
      // Not JSON (a cycle, a BigInt): named by its type, never as "[object Object]".
      return `<${value.constructor?.name ?? 'object'} that is not JSON>`;
    }
  }
  return value;
}

/**
 * Watches the suspenders of a running sequence: polls the globals and functions they watch, judges
 * the data of each shot (and of probe shots while paused), records every trip and clear as an event
 * on the sequence (in order, before the pause they cause) and on the event bus, and aborts the
 * running shot when a `repeat` suspender trips during it.
 */
export class SuspenderMonitor {
  private readonly state = new Map<string, SuspenderState>();
  private readonly timers: NodeJS.Timeout[] = [];
  private writes: Promise<void> = Promise.resolve();
  private shotAbort: AbortController | undefined;
  private runningShot: number | null = null;
  private stopped = false;

  constructor(private readonly options: SuspenderMonitorOptions) {
    for (const s of options.suspenders) {
      this.state.set(s.name, { tripped: false, okSince: undefined, trippedThisPause: false });
    }
  }

  /** True when there is nothing to watch. */
  get empty(): boolean {
    return this.options.suspenders.length === 0;
  }

  /** Starts polling the globals and functions watched. */
  start(): void {
    for (const s of this.options.suspenders) {
      if (s.watch.kind === 'data') continue;
      let busy = false;
      const tick = async (): Promise<void> => {
        if (busy || this.stopped) return;
        busy = true;
        try {
          const value = await this.read(s);
          if (!this.stopped) this.judge(s, value, this.runningShot);
        } catch (e) {
          this.fail(e, s);
        } finally {
          busy = false;
        }
      };
      this.timers.push(setInterval(() => void tick(), s.pollMs));
      void tick();
    }
  }

  /** Stops polling; waits for the events being written. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.settled();
  }

  /** Resolves when every trip and clear seen so far is stored. */
  settled(): Promise<void> {
    return this.writes;
  }

  /** Names of the suspenders holding the run. */
  tripped(): string[] {
    return this.options.suspenders
      .filter((s) => this.state.get(s.name)!.tripped)
      .map((s) => s.name);
  }

  /** True while a suspender holds the run. */
  anyTripped(): boolean {
    return this.tripped().length > 0;
  }

  /**
   * While the run is held: the shortest time between probe shots of the data suspenders holding
   * it, or undefined when none watches data (only polled values then decide).
   */
  probeEveryMs(): number | undefined {
    const data = this.options.suspenders.filter(
      (s) => s.watch.kind === 'data' && this.state.get(s.name)!.tripped,
    );
    return data.length === 0 ? undefined : Math.min(...data.map((s) => s.probeEveryMs));
  }

  /** A shot attempt starts: aborted when a `repeat` suspender trips while it runs. */
  beginShot(index: number): AbortSignal {
    this.runningShot = index;
    this.shotAbort = new AbortController();
    return this.shotAbort.signal;
  }

  /** The shot attempt ended. */
  endShot(): void {
    this.shotAbort = undefined;
  }

  /**
   * Judges the data of a finished shot: `repeat` when a `repeat` suspender tripped on it (the shot
   * is discarded and run again on resume), else `store`. A watched label missing from the data, or
   * of a type its condition cannot judge, throws {@link SuspenderFailedError}.
   */
  afterShot(index: number, data: Readonly<Record<string, DataValue>>): 'store' | 'repeat' {
    let repeat = false;
    for (const s of this.options.suspenders) {
      if (s.watch.kind !== 'data') continue;
      const tripped = this.judge(s, this.dataValue(s, data, index), index);
      if (tripped && s.onTrip === 'repeat') repeat = true;
    }
    this.runningShot = null;
    return repeat ? 'repeat' : 'store';
  }

  /** Judges the data of a probe shot run while the run is held. */
  observeProbe(index: number, data: Readonly<Record<string, DataValue>>): void {
    for (const s of this.options.suspenders) {
      if (s.watch.kind !== 'data') continue;
      this.judge(s, this.dataValue(s, data, index), null);
    }
  }

  /**
   * The actions due before resuming (of the suspenders that tripped since the last resume), and
   * forgets them.
   */
  takeActionsBeforeResume(): CompiledSuspender['beforeResume'][] {
    const due: CompiledSuspender['beforeResume'][] = [];
    for (const s of this.options.suspenders) {
      const state = this.state.get(s.name)!;
      if (state.trippedThisPause && s.beforeResume !== undefined) due.push(s.beforeResume);
      state.trippedThisPause = false;
    }
    return due;
  }

  private dataValue(
    s: CompiledSuspender,
    data: Readonly<Record<string, DataValue>>,
    index: number,
  ): unknown {
    const label = (s.watch as { label: string }).label;
    if (!Object.hasOwn(data, label)) {
      throw new SuspenderFailedError(
        `suspender "${s.name}" watches data "${label}", which shot ${index} did not signal (it signalled: ${Object.keys(data).sort().join(', ') || 'nothing'})`,
        { location: { suspender: s.name, shot: index, label } },
      );
    }
    return data[label];
  }

  private async read(s: CompiledSuspender): Promise<unknown> {
    if (s.watch.kind === 'global') {
      const name = s.watch.name;
      const globals = await this.options.readGlobals();
      if (!globals.has(name)) {
        throw new SuspenderFailedError(
          `suspender "${s.name}" watches the global "${name}", which no longer exists`,
          { location: { suspender: s.name, parameter: name } },
        );
      }
      return globals.get(name);
    }
    if (s.watch.kind === 'function') {
      try {
        return await s.watch.read();
      } catch (e) {
        throw new SuspenderFailedError(
          `suspender "${s.name}" could not read ${s.watchText}: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e, location: { suspender: s.name } },
        );
      }
    }
    return undefined;
  }

  /** Applies one reading; returns true when it tripped the suspender now. */
  private judge(s: CompiledSuspender, value: unknown, shot: number | null): boolean {
    const state = this.state.get(s.name)!;
    const ok = s.isOk(value);
    const now = performance.now();
    if (!ok) {
      state.okSince = undefined;
      if (state.tripped) return false;
      state.tripped = true;
      state.trippedThisPause = true;
      this.record(s, 'tripped', value, { shot, action: s.onTrip });
      if (s.onTrip === 'repeat' && s.watch.kind !== 'data') {
        this.shotAbort?.abort(new SuspendedShotSignal(s.name));
      }
      this.options.onChange();
      return true;
    }
    if (!state.tripped) return false;
    state.okSince ??= now;
    const held = now - state.okSince;
    if (held >= s.holdMs) {
      state.tripped = false;
      state.okSince = undefined;
      this.record(s, 'cleared', value, { heldMs: Math.round(held) });
      this.options.onChange();
    }
    return false;
  }

  private record(
    s: CompiledSuspender,
    change: 'tripped' | 'cleared',
    value: unknown,
    extra: { shot?: number | null; action?: 'pause' | 'repeat'; heldMs?: number },
  ): void {
    const { session, path, events } = this.options;
    const recorded = valueForRecord(value);
    events.emit({
      type: 'suspender',
      sequence: path.toString(),
      suspender: s.name,
      change,
      watch: s.watchText,
      value: recorded,
      ...(extra.action ? { action: extra.action } : {}),
      ...(extra.shot !== undefined ? { shot: extra.shot } : {}),
      time: new Date(),
    });
    const write =
      change === 'tripped'
        ? () =>
            session.recordEvent(path, 'suspender-tripped', {
              suspender: s.name,
              watch: s.watchText,
              value: recorded,
              shot: extra.shot ?? null,
              action: extra.action ?? 'pause',
            })
        : () =>
            session.recordEvent(path, 'suspender-cleared', {
              suspender: s.name,
              watch: s.watchText,
              value: recorded,
              heldMs: extra.heldMs ?? 0,
            });
    // In order, one at a time; a failed write stops the run, the chain itself never rejects.
    this.writes = this.writes.then(async () => {
      try {
        await write();
      } catch (e) {
        this.fail(e, s);
      }
    });
  }

  private fail(e: unknown, s: CompiledSuspender): void {
    const error =
      e instanceof Error
        ? e
        : new SuspenderFailedError(String(e), { location: { suspender: s.name } });
    this.options.onFailure(error);
  }
}

/** The reason a `repeat` suspender aborts the running shot with. */
export class SuspendedShotSignal extends Error {
  constructor(readonly suspender: string) {
    super(`suspender "${suspender}" tripped: the shot is aborted and will run again`);
    this.name = 'SuspendedShotSignal';
  }
}
