import {
  AbortedError,
  ContractViolationError,
  type DataLabel,
  type DataValue,
  type RunningShot,
  type ShotTimer,
} from '@shotline/core';

/** When the kit's readiness barrier lets the controller through. */
export type BarrierBehaviour =
  /** At once. */
  | 'pass'
  /** Never: it waits until the shot is aborted, then rejects with an AbortedError. */
  | 'hold';

/**
 * A {@link RunningShot} that records what a controller does: how often it called the readiness
 * barrier and which data it signalled. Data another device would signal is never available
 * (`waitData` waits until the abort).
 */
export class RecordingShot implements RunningShot {
  readonly controller = new AbortController();
  barrierCalls = 0;
  readonly signalled = new Map<DataLabel, DataValue>();
  private readonly started = performance.now();
  private barrierAt: number | undefined;

  constructor(
    readonly index: number,
    readonly deviceName: string,
    private readonly barrier: BarrierBehaviour = 'pass',
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Resolves when this shot is aborted. */
  private aborted(): Promise<never> {
    return new Promise((_, reject) => {
      const fail = (): void =>
        reject(new AbortedError('the shot was aborted', { location: { shot: this.index } }));
      if (this.signal.aborted) fail();
      else this.signal.addEventListener('abort', fail, { once: true });
    });
  }

  async waitAllDevicesReady(): Promise<ShotTimer> {
    this.barrierCalls += 1;
    if (this.barrier === 'hold') await this.aborted();
    if (this.signal.aborted) await this.aborted();
    this.barrierAt = performance.now();
    const at = this.barrierAt;
    return {
      elapsed: () => (performance.now() - at) / 1000,
      waitUntil: async (seconds: number) => {
        if (seconds < 0) throw new ContractViolationError('a negative time');
        const planned = seconds - (performance.now() - at) / 1000;
        if (planned > 0) await this.sleep(planned * 1000);
        return planned;
      },
    };
  }

  signalData(label: DataLabel, data: DataValue): void {
    if (this.signalled.has(label)) {
      throw new ContractViolationError(`data "${label}" was signalled twice`, {
        location: { label, device: this.deviceName },
      });
    }
    this.signalled.set(label, data);
  }

  async waitData(_label: DataLabel): Promise<DataValue> {
    return this.aborted();
  }

  async sleep(milliseconds: number): Promise<void> {
    if (this.signal.aborted) await this.aborted();
    const abort = this.aborted();
    // The abort may come after the sleep ended: nobody waits for it then.
    abort.catch(() => undefined);
    await Promise.race([
      new Promise<void>((resolve) => setTimeout(resolve, milliseconds).unref()),
      abort,
    ]);
  }

  async track<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** Milliseconds since the shot was created. */
  elapsedMs(): number {
    return performance.now() - this.started;
  }
}
