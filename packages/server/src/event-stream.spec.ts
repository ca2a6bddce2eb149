// The event stream over a real socket: resume after a reconnect, slow clients dropped, clients that
// go away mid-run.
import {
  BEARER_PROTOCOL_PREFIX,
  EVENT_STREAM_PROTOCOL,
  ExperimentManager,
  type ShotlineEvent,
} from '@shotline/core';
import { createSimulatedLab, simulatedDevice, countingScan } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SLOW_CLIENT_CLOSE_CODE } from './events/event-hub.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

const TIMEOUT = 60_000;
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the event stream', () => {
  it(
    'resumes after a dropped connection without losing or repeating an event',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({
        devices: [simulatedDevice.slow('slow', { shotMs: 10 })],
      });
      await lab.session.createSequence('\\a', countingScan(40));
      const served = await startTestServer(lab, { logger: false });
      servers.push(served);
      const manager = await ExperimentManager.connect(served.url, { token: served.token });
      const stored: number[] = [];
      manager.events.on('shot-stored', (e) => {
        stored.push(e.index);
        if (e.index === 5 || e.index === 20) manager.dropEventStream();
      });
      await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
      expect(stored).toEqual([...Array(40).keys()]);
      await manager.close();
    },
  );

  it(
    'drops a client that does not read, without slowing the engine',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({ devices: [simulatedDevice.noop('laser')] });
      await lab.session.createSequence('\\a', countingScan(20));
      const served = await startTestServer(lab, {
        logger: false,
        maxClientBufferBytes: 256 * 1024,
      });
      servers.push(served);
      const slow = new WebSocket(`${served.url.replace('http', 'ws')}/api/events`, [
        EVENT_STREAM_PROTOCOL,
        `${BEARER_PROTOCOL_PREFIX}${served.token}`,
      ]);
      await new Promise((resolve) => slow.once('message', resolve));
      let closeCode: number | undefined;
      slow.on('close', (code) => (closeCode = code));
      // The client stops reading; the engine keeps publishing (large log events fill the buffers).
      (slow as unknown as { _socket: { pause(): void } })._socket.pause();
      const started = performance.now();
      const message = 'x'.repeat(16 * 1024);
      let emitMs = 0;
      for (let batch = 0; batch < 200; batch++) {
        const t0 = performance.now();
        for (let i = 0; i < 10; i++) {
          served.server.manager.events.emit({ type: 'log', level: 'debug', message });
        }
        emitMs += performance.now() - t0;
        await new Promise((resolve) => setImmediate(resolve)); // the engine goes on between events
      }
      const publishMs = performance.now() - started;
      (slow as unknown as { _socket: { resume(): void } })._socket.resume();
      await until(() => closeCode !== undefined);
      expect(closeCode).toBe(SLOW_CLIENT_CLOSE_CODE);
      // the engine goes on: a sequence still runs to its end
      const manager = await ExperimentManager.connect(served.url, { token: served.token });
      await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
      expect(await lab.session.state('\\a')).toBe('finished');
      await manager.close();
      console.log(
        `published 2000 events of 16 KiB (${emitMs.toFixed(1)} ms inside emit) in ${publishMs.toFixed(1)} ms with a stuck client`,
      );
    },
  );

  it(
    'a client that goes away mid-run does not affect the run; its procedure is then left',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({
        devices: [simulatedDevice.slow('slow', { shotMs: 10 })],
      });
      await lab.session.createSequence('\\a', countingScan(30));
      await lab.session.createSequence('\\b', countingScan(2));
      const served = await startTestServer(lab, { logger: false, sessionGraceMs: 200 });
      servers.push(served);
      const leaving = await ExperimentManager.connect(served.url, { token: served.token });
      const procedure = await leaving.createProcedure('crashing script').activate();
      procedure.startSequence('\\a');
      await until(async () => (await lab.session.shotIndices('\\a').catch(() => [])).length >= 3);
      // the script dies: its connections close and it never comes back
      (leaving as unknown as { stream: { close(): void } }).stream.close();
      await until(async () => (await lab.session.state('\\a')) === 'finished');
      expect(await lab.session.shotIndices('\\a')).toHaveLength(30);
      // once the grace period is over, the lab is free for others
      const other = await ExperimentManager.connect(served.url, { token: served.token });
      await other
        .createProcedure('next', { acquisitionTimeout: 20_000 })
        .run((p) => p.runSequence('\\b'));
      expect(await lab.session.state('\\b')).toBe('finished');
      await other.close();
    },
  );

  it(
    'delivers engine events to a WebSocket client quickly (latency reported, not asserted)',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({ devices: [simulatedDevice.noop('laser')] });
      await lab.session.createSequence('\\a', countingScan(200));
      const served = await startTestServer(lab, { logger: false });
      servers.push(served);
      const latencies: number[] = [];
      const socket = new WebSocket(`${served.url.replace('http', 'ws')}/api/events`, [
        EVENT_STREAM_PROTOCOL,
        `${BEARER_PROTOCOL_PREFIX}${served.token}`,
      ]);
      socket.on('message', (data) => {
        const now = performance.timeOrigin + performance.now();
        for (const line of (data as Buffer).toString().split('\n')) {
          const message = JSON.parse(line) as { kind: string; at?: number; event?: ShotlineEvent };
          if (message.kind === 'event') latencies.push(now - message.at!);
        }
      });
      await new Promise((resolve) => socket.once('open', resolve));
      const manager = await ExperimentManager.connect(served.url, { token: served.token });
      await manager.createProcedure('p').run((p) => p.runSequence('\\a'));
      await until(() => latencies.length >= 800);
      socket.close();
      await manager.close();
      latencies.sort((a, b) => a - b);
      console.log(
        `event latency over ${latencies.length} events: median ${latencies[latencies.length >> 1]!.toFixed(2)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)} ms`,
      );
    },
  );
});
