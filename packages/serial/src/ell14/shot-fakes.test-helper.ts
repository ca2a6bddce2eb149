import type {
  DataLabel,
  DataValue,
  Parameters,
  RunningShot,
  ShotContext,
  ShotTimer,
} from '@shotline/core';

/** The part of a {@link ShotContext} a compiler that only reads parameters needs. */
export function fakeShotContext(parameters: Parameters, index = 0): ShotContext {
  return { index, parameters } as Partial<ShotContext> as ShotContext;
}

/**
 * A {@link RunningShot} for one controller alone: the barrier opens at once; it records the order
 * of events (`barrier`, `data <label>`, `track <name>`) and the data signalled.
 */
export class FakeRunningShot implements RunningShot {
  readonly events: string[] = [];
  readonly data = new Map<DataLabel, DataValue>();
  private readonly controller = new AbortController();

  constructor(
    readonly deviceName: string,
    readonly index = 0,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the shot, as the engine does when another controller fails. */
  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  async waitAllDevicesReady(): Promise<ShotTimer> {
    this.events.push('barrier');
    const start = performance.now();
    return {
      elapsed: () => (performance.now() - start) / 1000,
      waitUntil: async (seconds) => seconds - (performance.now() - start) / 1000,
    };
  }

  signalData(label: DataLabel, data: DataValue): void {
    if (this.data.has(label)) throw new Error(`data ${label} signalled twice`);
    this.events.push(`data ${label}`);
    this.data.set(label, data);
  }

  waitData(label: DataLabel): Promise<DataValue> {
    return Promise.reject(new Error(`no other device produces ${label}`));
  }

  sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, milliseconds));
  }

  async track<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.events.push(`track ${name}`);
    return work();
  }
}
