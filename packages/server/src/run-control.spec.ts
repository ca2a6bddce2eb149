// Pause, resume, suspenders and continuation through the real HTTP API and event stream (issue 21):
// a server on a loopback port over a real SQLite file, driven by the LabClient the command line
// and the web UI use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SequencePath,
  type SequenceStateEvent,
  type ShotlineEvent,
  type SuspenderEvent,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import {
  countingScan,
  createSimulatedLab,
  simulatedDevice,
  type SimulatedLab,
} from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LabClient } from './client/lab-client.js';
import { startTestServer } from './test-server.test-helper.js';

const TIMEOUT = 180_000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server over a simulated lab on a real SQLite file; a client connected to it; its events. */
async function servedLab(devices = [simulatedDevice.slow('slow', { shotMs: 20 })]) {
  const dir = mkdtempSync(join(tmpdir(), 'shotline-run-control-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const storage = await openSqliteStorage(join(dir, 'shotline.sqlite'));
  cleanups.push(() => storage.close());
  const lab = await createSimulatedLab({ storage, devices, record: false });
  const served = await startTestServer(lab, { logger: false, pipeline: { controlPollMs: 50 } });
  cleanups.push(() => served.close());
  const client = await LabClient.connect(served.url, served.token);
  const feed = await client.followEvents();
  cleanups.push(() => feed.close());
  const events: ShotlineEvent[] = [];
  feed.events.onAny((e) => events.push(e));
  return { dir, lab, client, events };
}

async function until<T>(check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The stored shots, in index order: each index exactly once, with its own `i`. */
async function expectEveryShotOnce(lab: SimulatedLab, path: string, count: number): Promise<void> {
  const p = SequencePath.parse(path);
  const stats = (await lab.storage.getStats(p)).unwrap();
  expect(stats.completedShots).toBe(count);
  for (let index = 0; index < count; index++) {
    const shot = (await lab.storage.getShot(p, index)).unwrap();
    expect(shot.parameters).toEqual({ i: index });
  }
}

const stateEvents = (events: ShotlineEvent[]) =>
  events.filter((e): e is SequenceStateEvent => e.type === 'sequence-state');

describe('run control through the server', () => {
  it(
    'pauses and resumes a queued run: PAUSED is stored, streamed and shown; the shots stay once and in order',
    { timeout: TIMEOUT },
    async () => {
      const { lab, client, events } = await servedLab();
      await lab.session.createSequence('\\scan', countingScan(2000));
      const run = await client.submitRun('\\scan');
      await until(() => events.some((e) => e.type === 'shot-stored' && e.storedShots >= 3));

      const paused = await client.pauseSequence('\\scan');
      expect(paused).toMatchObject({ path: '\\scan', state: 'paused' });
      const at = paused.nextIndex!;
      expect(at).toBeGreaterThanOrEqual(3);
      const detail = await client.sequence('\\scan');
      expect(detail).toMatchObject({ state: 'paused', completedShots: at });
      expect(detail.run?.state).toBe('paused');
      await until(() => stateEvents(events).find((e) => e.state === 'paused'));
      expect(stateEvents(events).find((e) => e.state === 'paused')).toMatchObject({
        reason: 'request',
        storedShots: at,
      });
      // Wrong state: a second pause is refused with 409, naming the state.
      await expect(client.pauseSequence('\\scan')).rejects.toThrow(
        /cannot pause sequence \\scan: it is PAUSED/,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect((await client.sequence('\\scan')).completedShots).toBe(at);

      expect(await client.resumeSequence('\\scan')).toMatchObject({
        resumeRequested: true,
        reloadGlobals: false,
      });
      await until(() => stateEvents(events).find((e) => e.reason === 'resumed'));
      await until(async () => ((await client.sequence('\\scan')).completedShots > at + 3 ? 1 : 0));
      expect(await client.interruptRun(run.id)).toBe(true);
      const ended = await until(async () => {
        const r = await client.queuedRun(run.id);
        return r.state === 'interrupted' ? r : undefined;
      });
      expect(ended.state).toBe('interrupted');
      const stored = (await client.sequence('\\scan')).completedShots;
      await expectEveryShotOnce(lab, '\\scan', stored);
      const kinds = (await client.sequenceEvents('\\scan')).map((e) => e.kind);
      expect(kinds).toEqual(['pause-requested', 'paused', 'resume-requested', 'resumed']);
      const audit = (await lab.storage.readAuditLog()).map((e) => e.action);
      expect(audit).toEqual(expect.arrayContaining(['sequence.pause', 'sequence.resume']));

      // The interrupted run is continued through the queue, on its snapshot, to the end.
      await expect(client.submitRun('\\scan', { continue: true, reset: true })).rejects.toThrow(
        /continue and reset exclude each other/,
      );
      const continued = await client.submitRun('\\scan', { continue: 'from the web UI' });
      const done = await until(async () => {
        const r = await client.queuedRun(continued.id);
        return r.state === 'finished' || r.state === 'crashed' ? r : undefined;
      });
      expect(done.error).toBeNull();
      expect(done.state).toBe('finished');
      await expectEveryShotOnce(lab, '\\scan', 2000);
      const last = (await client.sequenceEvents('\\scan')).at(-1)!;
      expect(last).toMatchObject({
        kind: 'continued',
        data: {
          fromIndex: stored,
          storedShots: stored,
          previousState: 'interrupted',
          reason: 'from the web UI',
        },
      });
      // A FINISHED sequence can neither be continued nor paused.
      await expect(client.submitRun('\\scan', { continue: true })).rejects.toThrow(
        /only an INTERRUPTED or CRASHED sequence can be continued/,
      );
      await expect(client.pauseSequence('\\scan')).rejects.toThrow(/it is FINISHED/);
    },
  );

  it(
    'a suspender sent with the sequence trips on the lock monitor: the trip and the resume are streamed and stored',
    { timeout: TIMEOUT },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shotline-lock-signal-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const signal = join(dir, 'lock.txt');
      writeFileSync(signal, '0.1');
      const { client, events, lab } = await servedLab([
        simulatedDevice.slow('slow', { shotMs: 20 }),
        simulatedDevice.lockMonitor('lock', { signalFile: signal }),
      ]);
      const scan = countingScan(300);
      const suspender = {
        name: 'cooler lock',
        watch: { data: 'lock\\error' },
        okWhen: { between: [-0.5, 0.5] },
        hold: '200 ms',
      };
      await client.createSequence('\\scan', {
        iteration: scan.iteration.toJSON(),
        timeLanes: scan.timeLanes.toJSON(),
        suspenders: [suspender],
      });
      expect((await client.sequence('\\scan')).suspenders).toEqual([
        { ...suspender, onTrip: 'pause' },
      ]);
      // A malformed suspender is refused before anything is stored, naming it.
      await expect(
        client.createSequence('\\bad', {
          iteration: scan.iteration.toJSON(),
          timeLanes: scan.timeLanes.toJSON(),
          suspenders: [{ ...suspender, okWhen: { near: 1 } }],
        }),
      ).rejects.toThrow(/suspender/);

      const run = await client.submitRun('\\scan');
      await until(() => events.some((e) => e.type === 'shot-stored' && e.storedShots >= 3));
      writeFileSync(signal, '0.9'); // the laser unlocks
      const tripped = await until(() =>
        events.find((e): e is SuspenderEvent => e.type === 'suspender' && e.change === 'tripped'),
      );
      expect(tripped).toMatchObject({
        suspender: 'cooler lock',
        watch: 'data lock\\error',
        value: 0.9,
      });
      await until(() => stateEvents(events).find((e) => e.state === 'paused'));
      expect(stateEvents(events).find((e) => e.state === 'paused')).toMatchObject({
        reason: 'suspender',
        suspenders: ['cooler lock'],
      });
      expect((await client.sequence('\\scan')).state).toBe('paused');
      writeFileSync(signal, '0.1'); // relocked
      const done = await until(async () => {
        const r = await client.queuedRun(run.id);
        return r.state === 'finished' || r.state === 'crashed' ? r : undefined;
      });
      expect(done.state).toBe('finished');
      expect(events.some((e) => e.type === 'suspender' && e.change === 'cleared')).toBe(true);
      const kinds = (await client.sequenceEvents('\\scan')).map((e) => e.kind);
      expect(kinds).toEqual([
        'suspenders',
        'suspender-tripped',
        'paused',
        'suspender-cleared',
        'resumed',
      ]);
      await expectEveryShotOnce(lab, '\\scan', 300);
    },
  );
});
