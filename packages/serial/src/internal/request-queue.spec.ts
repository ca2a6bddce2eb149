import { AbortedError } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { RequestQueue } from './request-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RequestQueue', () => {
  it('runs tasks one at a time, in arrival order', async () => {
    const queue = new RequestQueue({ resource: '/dev/x' });
    const events: string[] = [];
    const gate = deferred();
    const first = queue.run(async () => {
      events.push('first starts');
      await gate.promise;
      events.push('first ends');
    });
    const second = queue.run(async () => {
      events.push('second starts');
    });
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['first starts']);
    expect(queue.length).toBe(1);
    gate.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('goes on with the next task when one fails', async () => {
    const queue = new RequestQueue({});
    const failing = queue.run(async () => {
      throw new Error('broken');
    });
    const next = queue.run(async () => 42);
    await expect(failing).rejects.toThrow('broken');
    await expect(next).resolves.toBe(42);
  });

  it('removes a waiting task whose signal fires, with an abort error naming the resource', async () => {
    const queue = new RequestQueue({ resource: '/dev/ttyX' });
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const second = queue.run(
      async () => {
        ran = true;
      },
      controller.signal,
      'the request "0gp"',
    );
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(AbortedError);
    await expect(second).rejects.toThrow(/the request "0gp" was aborted.*\/dev\/ttyX/);
    expect(queue.length).toBe(0);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('refuses a task whose signal already fired', async () => {
    const queue = new RequestQueue({});
    let ran = false;
    await expect(
      queue.run(async () => {
        ran = true;
      }, AbortSignal.abort()),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(ran).toBe(false);
  });
});
