/**
 * Owns the connection to one instrument for the duration of a sequence. Built from the compiler's
 * initialization parameters (no I/O in the constructor); `open()` acquires the instrument, `close()`
 * releases it. `close()` is idempotent and is called whatever happened, also when `open()` failed
 * part-way or another device failed to open.
 */
export interface Device {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A convenient base for devices: register a cleanup for each resource as you acquire it in
 * `open()`; `close()` runs them in reverse order exactly once, even when `open()` failed half-way.
 * Usable with `await using`.
 */
export abstract class BaseDevice implements Device, AsyncDisposable {
  private cleanups: (() => unknown)[] = [];
  private closing: Promise<void> | undefined;

  abstract open(): Promise<void>;

  /** Registers a cleanup to run at close, in reverse order of registration. */
  protected onClose(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** Runs the cleanups once; later calls return the same promise. Errors are aggregated. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const errors: unknown[] = [];
      for (const cleanup of this.cleanups.reverse()) {
        try {
          await cleanup();
        } catch (e) {
          errors.push(e);
        }
      }
      this.cleanups = [];
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1)
        throw new AggregateError(errors, 'several cleanups failed while closing');
    })();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
