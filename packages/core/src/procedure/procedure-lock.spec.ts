import { describe, expect, it } from 'vitest';
import { ProcedureActivationTimeoutError } from './procedure-errors.js';
import { ProcedureLock } from './procedure-lock.js';

describe('the procedure lock', () => {
  it('hands the lock over first come, first served', async () => {
    const lock = new ProcedureLock();
    const a = {};
    const b = {};
    const c = {};
    const order: string[] = [];
    await lock.acquire(a, 'a');
    const gotB = lock.acquire(b, 'b').then(() => order.push('b'));
    const gotC = lock.acquire(c, 'c').then(() => order.push('c'));
    lock.release(c); // not the holder: ignored
    expect(lock.current).toBe(a);
    lock.release(a);
    await gotB;
    lock.release(b);
    await gotC;
    expect(order).toEqual(['b', 'c']);
    expect(lock.current).toBe(c);
  });

  it('gives up after the timeout, naming both procedures, and leaves the queue intact', async () => {
    const lock = new ProcedureLock();
    const holder = {};
    await lock.acquire(holder, 'analysis');
    const error = await lock.acquire({}, 'scan', 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcedureActivationTimeoutError);
    expect((error as Error).message).toBe(
      'could not activate procedure "scan" within 20 ms: procedure "analysis" is still active',
    );
    lock.release(holder);
    expect(lock.current).toBeUndefined();
  });
});
