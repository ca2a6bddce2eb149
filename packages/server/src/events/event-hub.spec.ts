// The hub's framing: messages travel together (a socket write costs more than a shot's JSON), the
// first after a quiet moment at once, nothing lost at shutdown. Over real sockets: event-stream.spec.
import type { ShotlineEvent } from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { EventHub, type EventSocket } from './event-hub.js';

/** A socket that records its frames (the part of a `ws` socket the hub uses). */
class RecordingSocket implements EventSocket {
  readonly frames: string[] = [];
  bufferedAmount = 0;
  readyState = 1;
  closedWith: number | undefined;
  send(data: string): void {
    this.frames.push(data);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The numbers of the messages received, frame by frame. */
  numbers(): number[][] {
    return this.frames.map((f) =>
      f.split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq),
    );
  }
}

const log = (message: string): ShotlineEvent => ({ type: 'log', level: 'info', message });

/** A hub with one subscribed recording socket. */
function hubWithSocket(flushIntervalMs: number): { hub: EventHub; socket: RecordingSocket } {
  const hub = new EventHub({ flushIntervalMs });
  const socket = new RecordingSocket();
  hub.subscribe(socket, undefined);
  return { hub, socket };
}

describe('EventHub framing', () => {
  it(
    'sends a message after a quiet moment at the end of the turn; holds later ones for the interval',
    { timeout: 60_000 },
    async () => {
      const { hub, socket } = hubWithSocket(60_000);
      hub.publishEvent(log('first'));
      expect(socket.frames).toEqual([]); // not inside the publisher's turn
      await new Promise((r) => setImmediate(r));
      expect(socket.numbers()).toEqual([[1]]);
      // within the interval after that frame: held back over several turns, then sent together
      for (let turn = 0; turn < 3; turn++) {
        hub.publishEvent(log(`turn ${turn}`));
        hub.publishEvent(log(`turn ${turn}, again`));
        await new Promise((r) => setImmediate(r));
      }
      expect(socket.frames).toHaveLength(1);
      hub.closeAll(1001, 'bye');
      expect(socket.numbers()).toEqual([[1], [2, 3, 4, 5, 6, 7]]);
      expect(hub.frames).toBe(2);
      expect(JSON.parse(socket.frames[1]!.split('\n')[0]!)).toMatchObject({
        kind: 'event',
        seq: 2,
        event: { type: 'log', level: 'info', message: 'turn 0' },
      });
    },
  );

  it(
    'sends at most one frame per interval under a steady stream',
    { timeout: 60_000 },
    async () => {
      const { hub, socket } = hubWithSocket(20);
      const started = performance.now();
      let published = 0;
      while (performance.now() - started < 200) {
        hub.publishEvent(log(`message ${published++}`));
        await new Promise((r) => setImmediate(r));
      }
      hub.closeAll(1001, 'bye');
      const elapsed = performance.now() - started;
      expect(socket.numbers().flat()).toEqual([...Array(published).keys()].map((i) => i + 1));
      // one at once, then at most one per 20 ms (timers never fire early), plus the closing one
      expect(socket.frames.length).toBeLessThanOrEqual(Math.floor(elapsed / 20) + 2);
    },
  );

  it('sends what is pending before closing the sockets', { timeout: 60_000 }, () => {
    const { hub, socket } = hubWithSocket(60_000);
    hub.publishEvent(log('a'));
    hub.publishSequenceEnded('p', 'run-1', undefined);
    hub.closeAll(1001, 'server shutting down');
    expect(socket.numbers()).toEqual([[1, 2]]);
    expect(socket.closedWith).toBe(1001);
  });

  it('a client resuming gets what it missed once, including messages not yet sent', () => {
    const hub = new EventHub({ flushIntervalMs: 60_000 });
    const early = new RecordingSocket();
    hub.subscribe(early, undefined);
    hub.publishEvent(log('a'));
    hub.publishEvent(log('b'));
    const late = new RecordingSocket();
    hub.subscribe(late, 0);
    hub.closeAll(1001, 'bye');
    expect(late.numbers()).toEqual([[1, 2]]);
    expect(early.numbers()).toEqual([[1, 2]]);
  });
});
