// The editor routes through app.inject() on a simulated lab (real SQLite storage in a temp folder).
import { countingScan, createSimulatedLab } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.js';
import { LabServer } from '../lab-server.js';

const TIMEOUT = 60_000;
const servers: LabServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve() {
  const lab = await createSimulatedLab();
  const server = await LabServer.create({
    storage: lab.storage,
    registry: lab.registry,
    logger: false,
  });
  servers.push(server);
  await server.listen({ port: 0 });
  const { token } = await createApiToken(lab.storage, 'alice', ['read', 'edit']);
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const response = await server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    // The answers are checked field by field below.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.statusCode, body: JSON.parse(response.body) as any };
  };
  return { lab, call };
}

const q = (path: string) => encodeURIComponent(path);

const table = (coil: unknown[], durations = ['10 ms', '5 ms']) => ({
  stepNames: ['load', 'ramp'],
  stepDurations: durations,
  lanes: [
    {
      name: 'shutter',
      type: 'digital',
      blocks: [
        [true, 1],
        [false, 1],
      ],
    },
    { name: 'coil', type: 'analog', blocks: coil },
  ],
});

describe('the sequence definition with its version', () => {
  it(
    'saves an edit made from the stored version and refuses one from a stale version',
    { timeout: TIMEOUT },
    async () => {
      const { lab, call } = await serve();
      await lab.session.createSequence('\\scan', countingScan(3));
      const loaded = await call('GET', `/api/sequence/definition?path=${q('\\scan')}`);
      expect(loaded.status).toBe(200);
      expect(loaded.body.version).toMatch(/^[0-9a-f]{16}$/);

      // Two editors loaded the same version; the first saves.
      const first = await call('PUT', `/api/sequence/definition?path=${q('\\scan')}`, {
        version: loaded.body.version,
        iteration: loaded.body.iteration,
        timeLanes: table([
          [{ expression: '2 V' }, 1],
          ['ramp', 1],
        ]),
      });
      expect(first.status).toBe(200);
      expect(first.body.version).not.toBe(loaded.body.version);
      expect(first.body.timeLanes.lanes.map((l: { name: string }) => l.name)).toEqual([
        'shutter',
        'coil',
      ]);

      // The second, from the version it loaded, is refused and nothing of it is saved.
      const second = await call('PUT', `/api/sequence/definition?path=${q('\\scan')}`, {
        version: loaded.body.version,
        iteration: loaded.body.iteration,
        timeLanes: table([[{ expression: '3 V' }, 2]]),
      });
      expect(second.status).toBe(409);
      expect(second.body.error.code).toBe('SEQUENCE_VERSION_CONFLICT');
      expect(second.body.error.message).toMatch(/changed by someone else.*reload/);
      const after = await call('GET', `/api/sequence/definition?path=${q('\\scan')}`);
      expect(after.body.version).toBe(first.body.version);
      expect(after.body.timeLanes).toEqual(first.body.timeLanes);
    },
  );

  it(
    'refuses an invalid definition with its location, saving nothing',
    { timeout: TIMEOUT },
    async () => {
      const { lab, call } = await serve();
      await lab.session.createSequence('\\scan', countingScan(3));
      const loaded = await call('GET', `/api/sequence/definition?path=${q('\\scan')}`);
      const bad = await call('PUT', `/api/sequence/definition?path=${q('\\scan')}`, {
        version: loaded.body.version,
        iteration: loaded.body.iteration,
        timeLanes: table([[{ expression: '2 V +' }, 2]]),
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.location).toMatchObject({ lane: 'coil', block: 0 });
      const after = await call('GET', `/api/sequence/definition?path=${q('\\scan')}`);
      expect(after.body.version).toBe(loaded.body.version);
    },
  );
});

describe('the check of a definition as it is typed', () => {
  it(
    'finds every error, each located, and none in a valid definition',
    { timeout: TIMEOUT },
    async () => {
      const { call } = await serve();
      const iteration = {
        steps: [
          {
            kind: 'linspace',
            variable: 'x',
            start: '0 +',
            stop: '1',
            num: 3,
            steps: [{ kind: 'shot' }],
          },
        ],
      };
      const checked = await call('POST', '/api/sequence/check', {
        iteration,
        timeLanes: table(
          [
            [{ expression: '2 V +' }, 1],
            ['ramp', 1],
          ],
          ['10 ms', '5 ms *'],
        ),
      });
      expect(checked.status).toBe(200);
      const locations = checked.body.errors.map((e: { location: object }) => e.location);
      expect(locations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ step: 'step 0, linspace x', column: 3 }),
          expect.objectContaining({ step: 'step 1 "ramp"', expression: '5 ms *' }),
          expect.objectContaining({ lane: 'coil', block: 0 }),
        ]),
      );

      const ok = await call('POST', '/api/sequence/check', {
        iteration: { steps: [{ kind: 'shot' }] },
        timeLanes: table([
          [{ expression: '2 V' }, 1],
          ['ramp', 1],
        ]),
      });
      expect(ok.body.errors).toEqual([]);

      // A lane whose blocks do not cover the steps is named.
      const short = await call('POST', '/api/sequence/check', {
        iteration: { steps: [{ kind: 'shot' }] },
        timeLanes: table([[{ expression: '2 V' }, 1]]),
      });
      expect(short.body.errors).toHaveLength(1);
      expect(short.body.errors[0].message).toMatch(/coil/);
    },
  );
});

describe('folders, the path tree and moving', () => {
  it(
    'creates a folder, lists it, renames a sequence and refuses a taken name',
    { timeout: TIMEOUT },
    async () => {
      const { lab, call } = await serve();
      await lab.session.createSequence('\\mot\\scan', countingScan(3));
      expect((await call('POST', `/api/folder?path=${q('\\empty\\inner')}`)).status).toBe(201);
      const tree = await call('GET', '/api/tree');
      expect(tree.body).toEqual([
        { path: '\\empty', kind: 'folder' },
        { path: '\\empty\\inner', kind: 'folder' },
        { path: '\\mot', kind: 'folder' },
        { path: '\\mot\\scan', kind: 'sequence' },
      ]);
      const moved = await call('POST', '/api/sequence/move', {
        source: '\\mot\\scan',
        destination: '\\mot\\scan 2',
      });
      expect(moved.status).toBe(200);
      expect((await call('GET', `/api/sequence?path=${q('\\mot\\scan 2')}`)).status).toBe(200);
      expect((await call('GET', `/api/sequence?path=${q('\\mot\\scan')}`)).status).toBe(404);
      const taken = await call('POST', '/api/sequence/move', {
        source: '\\mot\\scan 2',
        destination: '\\empty',
      });
      expect(taken.status).toBe(409);
    },
  );
});
