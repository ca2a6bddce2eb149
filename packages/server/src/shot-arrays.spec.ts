// Large arrays that the SQLite storage keeps in chunk files, read through the server over real
// HTTP by the LabClient: the bytes, dtype and shape of every picture are those stored; a damaged
// chunk file is an error naming the shot and label, not wrong bytes.
import { mkdtempSync, rmSync, truncateSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NDArray, SequencePath } from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { countingScan, createSimulatedLab, simulatedDevice } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LabClient } from './client/lab-client.js';
import { type TestServer, startTestServer } from './test-server.test-helper.js';

const TIMEOUT = 120_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('shot arrays in SQLite chunk files, through the server', () => {
  it(
    'reads every 512×512 picture back with its bytes, dtype and shape; a truncated chunk file names the shot',
    { timeout: TIMEOUT },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'shotline-server-chunks-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const storage = await openSqliteStorage(join(dir, 'shotline.sqlite'));
      cleanups.push(() => storage.close());
      const lab = await createSimulatedLab({
        storage,
        devices: [simulatedDevice.producer('camera', { width: 512, height: 512 })],
      });
      await lab.session.createSequence('\\pictures', countingScan(4));
      const served: TestServer = await startTestServer(lab);
      cleanups.push(() => served.close());
      const client = await LabClient.connect(served.url, served.token);
      await client.submitRun('\\pictures');
      await until(async () => (await lab.session.state('\\pictures')) === 'finished');

      const path = SequencePath.parse('\\pictures');
      expect(await client.shotIndices('\\pictures')).toEqual([0, 1, 2, 3]);
      const report = await storage.checkIntegrity();
      expect(report.chunkedArrays).toBe(4); // the pictures are in chunk files, not in the database
      for (const index of [0, 1, 2, 3]) {
        const shot = await client.shot('\\pictures', index);
        expect(shot.arrays).toEqual([
          { label: 'camera\\image', dtype: 'uint16', shape: [512, 512] },
        ]);
        const picture = (await client.shotData('\\pictures', index, 'camera\\image')) as NDArray;
        const stored = (
          await storage.getShotData(path, index, 'camera\\image')
        ).unwrap() as NDArray;
        expect(picture.dtype).toBe('uint16');
        expect(picture.shape).toEqual([512, 512]);
        expect(Buffer.from(picture.bytes()).equals(Buffer.from(stored.bytes()))).toBe(true);
      }

      // A chunk file cut short by hand: the server answers with the storage's error naming the
      // sequence, shot and label, never with wrong bytes.
      const chunkFiles = readdirSync(storage.chunkDirectory!).filter((n) => n.endsWith('.chunk'));
      expect(chunkFiles).toHaveLength(1);
      truncateSync(join(storage.chunkDirectory!, chunkFiles[0]!), 512 * 512 * 2 * 3 + 10);
      const error = await client
        .shotData('\\pictures', 3, 'camera\\image')
        .then(() => undefined)
        .catch((e: unknown) => e as Error & { location?: unknown });
      expect(error?.message).toMatch(/camera\\image/);
      expect(error?.location).toMatchObject({ sequence: '\\pictures', shot: 3 });
      // the other shots are untouched
      const first = (await client.shotData('\\pictures', 0, 'camera\\image')) as NDArray;
      expect(first.shape).toEqual([512, 512]);
    },
  );
});
