import type { ShotlineEventBus } from '../../events/index.js';
import { StorageUnavailableError } from '../../storage/index.js';

/** First wait before trying again to record the end of a sequence; doubled up to the maximum. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

function isUnavailable(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof StorageUnavailableError) return true;
  }
  return false;
}

/**
 * Records the end state of a sequence with `write`. When the storage cannot be reached (its own
 * reconnection window is over), it keeps trying, with a warning `log` event each time, until the
 * storage is back: the end (and, for a crash, its cause) is recorded as soon as it can be. Any other
 * failure is thrown.
 */
export async function recordSequenceEnd(
  events: ShotlineEventBus,
  sequence: string,
  state: string,
  write: () => Promise<void>,
): Promise<void> {
  let wait = FIRST_RETRY_MS;
  for (;;) {
    try {
      await write();
      return;
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      events.emit({
        type: 'log',
        level: 'warn',
        sequence,
        message: `cannot record that the sequence is ${state}: ${(e as Error).message}; trying again in ${wait / 1000} s (it is recorded as soon as the storage is back)`,
      });
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(MAX_RETRY_MS, wait * 2);
    }
  }
}
