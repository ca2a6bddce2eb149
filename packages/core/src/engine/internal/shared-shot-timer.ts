import { performance } from 'node:perf_hooks';
import type { ShotTimer } from '../../device/index.js';
import { InvalidValueError } from '../../errors/index.js';
import { abortableDelay } from './deferred.js';

/** The clock of one shot, started when the readiness barrier passed; shared by its controllers. */
export class SharedShotTimer implements ShotTimer {
  constructor(
    private readonly start: number,
    private readonly signal: AbortSignal,
  ) {}

  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  async waitUntil(seconds: number): Promise<number> {
    if (!(seconds >= 0)) {
      throw new InvalidValueError(
        `waitUntil needs a time >= 0 s after the barrier, got ${seconds}`,
      );
    }
    const planned = seconds - this.elapsed();
    // Timers may fire a little early (the event loop's clock is coarse): wait out the remainder.
    for (let remaining = planned; remaining > 0; remaining = seconds - this.elapsed()) {
      await abortableDelay(Math.max(1, remaining * 1000), this.signal);
    }
    return planned;
  }
}
