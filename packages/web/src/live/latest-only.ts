/**
 * Runs one task at a time and, of the requests that arrive meanwhile, only the latest: a picture
 * view keeps up with any shot rate by skipping the pictures it could not show in time.
 */
export class LatestOnly<T> {
  private running = false;
  private pending: { value: T } | undefined;

  constructor(private readonly task: (value: T) => Promise<void>) {}

  /** Asks for `value` to be handled (after the running task; replacing any request waiting). */
  request(value: T): void {
    this.pending = { value };
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending) {
        const { value } = this.pending;
        this.pending = undefined;
        try {
          await this.task(value);
        } catch {
          // The task reports its own errors; the next request still runs.
        }
      }
    } finally {
      this.running = false;
    }
  }
}
