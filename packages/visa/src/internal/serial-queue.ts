/**
 * Runs tasks one after the other, in call order. A VISA session must never see two calls at once
 * (NI-VISA sessions are not re-entrant, and a query is a write followed by its read), so every
 * operation on a session goes through one queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; its result or error is returned. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
