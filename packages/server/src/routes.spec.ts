// The routes through app.inject(): fast, no socket (the event stream has its own suite).
import { ExperimentManager, type NDArray } from '@shotline/core';
import {
  createSimulatedLab,
  simulatedDevice,
  countingScan,
  type SimulatedLab,
} from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from './auth/api-tokens.js';
import { LabServer } from './lab-server.js';

const TIMEOUT = 60_000;
const servers: LabServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(lab: SimulatedLab) {
  const server = await LabServer.create({
    storage: lab.storage,
    registry: lab.registry,
    logger: false,
  });
  servers.push(server);
  const url = await server.listen({ port: 0 });
  const { token } = await createApiToken(lab.storage, 'alice', ['admin']);
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
  ) => {
    const response = await server.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return {
      status: response.statusCode,
      body: (response.body ? JSON.parse(response.body) : undefined) as unknown,
      raw: response,
    };
  };
  return { server, url, token, call };
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const q = (path: string) => encodeURIComponent(path);

describe('the OpenAPI document', () => {
  it('describes every route with its zod schemas', { timeout: TIMEOUT }, async () => {
    const { call } = await serve(await createSimulatedLab());
    const { status, body } = await call('GET', '/api/openapi.json');
    expect(status).toBe(200);
    const doc = body as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<
                string,
                { schema: { properties: Record<string, unknown>; additionalProperties?: boolean } }
              >;
            };
          }
        >
      >;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/queue',
      '/api/procedures',
      '/api/sequence',
      '/api/shot/data',
      '/api/globals',
      '/api/device',
      '/api/audit',
      '/metrics',
      '/health',
    ]) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    const submit = doc.paths['/api/queue']!.post!.requestBody!.content['application/json']!.schema;
    expect(Object.keys(submit.properties)).toEqual(
      expect.arrayContaining(['sequence', 'reset', 'globals']),
    );
    expect(submit.additionalProperties).toBe(false);
    const stream = (
      body as {
        'x-shotline-event-stream': {
          path: string;
          messages: { oneOf?: unknown[]; anyOf?: unknown[] };
        };
      }
    )['x-shotline-event-stream'];
    expect(stream.path).toBe('/api/events');
    expect((stream.messages.oneOf ?? stream.messages.anyOf)?.length).toBe(4);
  });
});

describe('the queue', () => {
  it(
    'runs submitted sequences one at a time in order, and lists, moves and cancels',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({
        devices: [simulatedDevice.slow('slow', { shotMs: 5 })],
      });
      for (const name of ['a', 'b', 'c', 'd'])
        await lab.session.createSequence(`\\${name}`, countingScan(3));
      const { server, call, url, token } = await serve(lab);
      // a script's procedure holds the lab: the queue waits
      const script = await ExperimentManager.connect(url, { token });
      const procedure = await script.createProcedure('analysis').activate();
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c', 'd']) {
        const { status, body } = await call('POST', '/api/queue', { sequence: `\\${name}` });
        expect(status).toBe(201);
        ids.push((body as { id: string }).id);
      }
      const moved = await call('POST', `/api/queue/${ids[2]}/move`, { position: 0 });
      expect((moved.body as { sequence: string }[]).map((r) => r.sequence)).toEqual([
        '\\c',
        '\\a',
        '\\b',
        '\\d',
      ]);
      const cancelled = await call('DELETE', `/api/queue/${ids[3]}`);
      expect(cancelled.body).toMatchObject({ state: 'cancelled', sequence: '\\d' });
      expect((await call('DELETE', `/api/queue/${ids[3]}`)).status).toBe(409);
      await procedure.deactivate();
      await until(
        async () => (await lab.storage.listQueuedRuns(['queued', 'running'])).length === 0,
      );
      const all = (await call('GET', '/api/queue?all=true')).body as {
        sequence: string;
        state: string;
        startedAt: string;
      }[];
      expect(all.map((r) => [r.sequence, r.state])).toEqual([
        ['\\c', 'finished'],
        ['\\a', 'finished'],
        ['\\b', 'finished'],
        ['\\d', 'cancelled'],
      ]);
      expect(Date.parse(all[0]!.startedAt)).toBeLessThan(Date.parse(all[1]!.startedAt));
      expect(await lab.session.state('\\d')).toBe('draft');
      await script.close();
      void server;
    },
  );

  it('interrupts a running run; its shot in progress is stored', { timeout: TIMEOUT }, async () => {
    const lab = await createSimulatedLab({
      devices: [simulatedDevice.slow('slow', { shotMs: 20 })],
    });
    await lab.session.createSequence('\\long', countingScan(500));
    const { call } = await serve(lab);
    const { body } = await call('POST', '/api/queue', { sequence: '\\long' });
    const id = (body as { id: string }).id;
    await until(async () => (await lab.session.shotIndices('\\long').catch(() => [])).length >= 2);
    expect((await call('POST', `/api/queue/${id}/interrupt`)).body).toEqual({ interrupted: true });
    await until(
      async () =>
        ((await call('GET', `/api/queue/${id}`)).body as { state: string }).state === 'interrupted',
    );
    expect(await lab.session.state('\\long')).toBe('interrupted');
  });

  it(
    'records a crashed run with its error, and resets with reset: true',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({
        devices: [
          simulatedDevice.failing('bad', { phase: 'runShot', atShot: 1, error: 'invalid-value' }),
        ],
      });
      await lab.session.createSequence('\\a', countingScan(3));
      const { call } = await serve(lab);
      const first = (await call('POST', '/api/queue', { sequence: '\\a' })).body as { id: string };
      await until(
        async () =>
          ((await call('GET', `/api/queue/${first.id}`)).body as { state: string }).state ===
          'crashed',
      );
      const crashed = (await call('GET', `/api/queue/${first.id}`)).body as {
        error: { message: string; location: unknown };
      };
      expect(crashed.error.message).toMatch(/device "bad" failed during the shot/);
      const refused = await call('POST', '/api/queue', { sequence: '\\a' });
      expect(refused.status).toBe(409);
      expect((refused.body as { error: { message: string } }).error.message).toMatch(
        /CRASHED; only a DRAFT can run .*reset: true/,
      );
      expect((await call('POST', '/api/queue', { sequence: '\\a', reset: true })).status).toBe(201);
    },
  );

  it(
    'survives a restart: queued runs stay, a run cut by the stop is marked crashed',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({
        devices: [simulatedDevice.slow('slow', { shotMs: 5 })],
      });
      for (const name of ['a', 'b']) await lab.session.createSequence(`\\${name}`, countingScan(3));
      const first = await serve(lab);
      const script = await ExperimentManager.connect(first.url, { token: first.token });
      const holding = await script.createProcedure('holding').activate();
      await first.call('POST', '/api/queue', { sequence: '\\a' });
      await first.call('POST', '/api/queue', { sequence: '\\b' });
      // a run left "running" by a server that died
      (
        await lab.storage.enqueueRun({
          id: '00000000-0000-4000-8000-000000000000',
          sequence: '\\gone',
          submittedBy: 'x',
          submittedAt: new Date(),
          options: {},
        })
      ).unwrap();
      (
        await lab.storage.updateQueuedRun('00000000-0000-4000-8000-000000000000', {
          state: 'running',
          startedAt: new Date(),
        })
      ).unwrap();
      void holding;
      await first.server.close();
      await script.close().catch(() => undefined);
      servers.splice(servers.indexOf(first.server), 1);
      expect((await lab.storage.listQueuedRuns(['queued'])).map((r) => r.sequence)).toEqual([
        '\\a',
        '\\b',
      ]);
      await serve(lab);
      await until(
        async () =>
          (await lab.storage.listQueuedRuns(['queued'])).length === 0 &&
          (await lab.session.state('\\b')) === 'finished',
      );
      const runs = await lab.storage.listQueuedRuns();
      expect(runs.map((r) => [r.sequence, r.state])).toEqual([
        ['\\a', 'finished'],
        ['\\b', 'finished'],
        ['\\gone', 'crashed'],
      ]);
      expect(runs[2]!.error?.message).toMatch(/server stopped while this run was running/);
    },
  );
});

describe('graceful shutdown', () => {
  for (const running of ['interrupt', 'finish'] as const) {
    it(
      `with running: ${running}, ends the running sequence ${running === 'interrupt' ? 'INTERRUPTED after its shot' : 'FINISHED'} and closes the devices`,
      { timeout: TIMEOUT },
      async () => {
        const lab = await createSimulatedLab({
          devices: [simulatedDevice.slow('slow', { shotMs: 20 })],
        });
        await lab.session.createSequence('\\a', countingScan(running === 'finish' ? 20 : 500));
        const { server, call } = await serve(lab);
        const { body } = await call('POST', '/api/queue', { sequence: '\\a' });
        const id = (body as { id: string }).id;
        await until(async () => (await lab.session.shotIndices('\\a').catch(() => [])).length >= 2);
        await server.close({ running });
        servers.splice(servers.indexOf(server), 1);
        const run = (await lab.storage.listQueuedRuns()).find((r) => r.id === id)!;
        const shots = await lab.session.shotIndices('\\a');
        if (running === 'interrupt') {
          expect(await lab.session.state('\\a')).toBe('interrupted');
          expect(run.state).toBe('interrupted');
          expect(shots.length).toBeLessThan(500);
        } else {
          expect(await lab.session.state('\\a')).toBe('finished');
          expect(run.state).toBe('finished');
          expect(shots).toHaveLength(20);
        }
        expect(lab.recorder.closedDevices()).toEqual(['slow']);
      },
    );
  }
});

describe('shots, sequences and settings', () => {
  it(
    'gives shot parameters and data as JSON and arrays as binary frames',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab({ devices: [simulatedDevice.producer('camera')] });
      await lab.session.createSequence('\\a', countingScan(2));
      const { call, server, token } = await serve(lab);
      await call('POST', '/api/queue', { sequence: '\\a' });
      await until(async () => (await lab.session.state('\\a')) === 'finished');
      expect((await call('GET', `/api/shots?path=${q('\\a')}`)).body).toEqual({ indices: [0, 1] });
      const shot = (await call('GET', `/api/shot?path=${q('\\a')}&index=1`)).body as {
        parameters: Record<string, unknown>;
        arrays: { label: string; dtype: string; shape: number[] }[];
      };
      expect(shot.parameters).toEqual({ i: 1 });
      expect(shot.arrays).toEqual([{ label: 'camera\\image', dtype: 'uint16', shape: [64, 64] }]);
      const frame = await server.app.inject({
        method: 'GET',
        url: `/api/shot/data?path=${q('\\a')}&index=1&label=${q('camera\\image')}`,
        headers: {
          authorization: `Bearer ${token}`,
        },
      });
      expect(frame.headers['content-type']).toBe('application/octet-stream');
      expect(frame.headers['x-shotline-dtype']).toBe('uint16');
      expect(JSON.parse(frame.headers['x-shotline-shape'] as string)).toEqual([64, 64]);
      const stored = (
        await lab.storage.getShotData((await lab.session.sequence('\\a')).path, 1, 'camera\\image')
      ).unwrap() as NDArray;
      expect(Buffer.from(frame.rawPayload).equals(Buffer.from(stored.bytes()))).toBe(true);
      const missing = await call('GET', `/api/shot?path=${q('\\a')}&index=7`);
      expect(missing.status).toBe(404);
      expect((missing.body as { error: { location: unknown } }).error.location).toMatchObject({
        sequence: '\\a',
        shot: 7,
      });
      const table = (await call('GET', `/api/shot-table?path=${q('\\a')}`)).body as {
        index: number[];
        parameters: Record<string, unknown[]>;
      };
      expect(table.index).toEqual([0, 1]);
      expect(table.parameters.i).toEqual([0, 1]);
    },
  );

  it(
    'creates, shows, edits, resets, duplicates and deletes sequences; sets globals and devices',
    { timeout: TIMEOUT },
    async () => {
      const lab = await createSimulatedLab();
      const { call } = await serve(lab);
      const draft = countingScan(4);
      const definition = {
        iteration: draft.iteration.toJSON(),
        timeLanes: draft.timeLanes.toJSON(),
      };
      expect(
        (await call('POST', `/api/sequence?path=${q('\\lab\\scan')}`, definition)).status,
      ).toBe(201);
      expect(
        (await call('POST', `/api/sequence?path=${q('\\lab\\scan')}`, definition)).status,
      ).toBe(409);
      const shown = (await call('GET', `/api/sequence?path=${q('\\lab\\scan')}`)).body as {
        state: string;
        expectedShots: number;
      };
      expect(shown).toMatchObject({ state: 'draft', expectedShots: 4 });
      const edited = await call('PUT', `/api/sequence?path=${q('\\lab\\scan')}`, {
        iteration: countingScan(6).iteration.toJSON(),
        timeLanes: definition.timeLanes,
      });
      expect(edited.body).toMatchObject({ expectedShots: 6 });
      const badLanes = await call('PUT', `/api/sequence?path=${q('\\lab\\scan')}`, {
        iteration: definition.iteration,
        timeLanes: { nope: 1 },
      });
      expect(badLanes.status).toBe(422);
      expect(
        (
          await call('POST', '/api/sequence/duplicate', {
            source: '\\lab\\scan',
            destination: '\\lab\\copy',
          })
        ).status,
      ).toBe(201);
      expect(
        ((await call('GET', '/api/sequences?under=%5Clab')).body as { path: string }[]).map(
          (s) => s.path,
        ),
      ).toEqual(['\\lab\\copy', '\\lab\\scan']);
      expect((await call('DELETE', `/api/sequence?path=${q('\\lab')}`)).status).toBe(409);
      expect((await call('DELETE', `/api/sequence?path=${q('\\lab')}&recursive=true`)).status).toBe(
        200,
      );
      const globals = await call('PUT', '/api/globals', {
        globals: [['mot', [['detuning', '-2 MHz']]]],
      });
      expect(globals.body).toEqual({ globals: [['mot', [['detuning', '-2 MHz']]]] });
      const badGlobals = await call('PUT', '/api/globals', { globals: [['x', '3 +']] });
      expect(badGlobals.status).toBe(422);
      expect(
        (badGlobals.body as { error: { location: { expression: string } } }).error.location
          .expression,
      ).toBe('3 +');
      const device = await call('PUT', '/api/device?name=laser', {
        type: simulatedDevice.noop('x').type,
        configuration: {},
      });
      expect(device.status).toBe(200);
      const badDevice = await call('PUT', '/api/device?name=slow', {
        type: simulatedDevice.slow('x').type,
        configuration: { shotMs: -1 },
      });
      expect(badDevice.status).toBe(422);
      expect(
        (badDevice.body as { error: { location: { device: string } } }).error.location.device,
      ).toBe('slow');
      expect(
        ((await call('GET', '/api/devices')).body as { name: string }[]).map((d) => d.name),
      ).toEqual(['laser']);
      expect(
        ((await call('GET', '/api/device-types')).body as { type: string }[]).length,
      ).toBeGreaterThan(3);
    },
  );

  it('serves Prometheus metrics', { timeout: TIMEOUT }, async () => {
    const lab = await createSimulatedLab({
      devices: [simulatedDevice.slow('slow', { shotMs: 2 })],
    });
    await lab.session.createSequence('\\a', countingScan(5));
    const { call, server, token } = await serve(lab);
    await call('POST', '/api/queue', { sequence: '\\a' });
    await until(async () => (await lab.session.state('\\a')) === 'finished');
    const metrics = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: {
        authorization: `Bearer ${token}`,
      },
    });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/^shotline_shots_stored_total 5$/m);
    expect(metrics.body).toMatch(/^shotline_queue_depth 0$/m);
    expect(metrics.body).toMatch(/^shotline_shot_overhead_seconds_count 5$/m);
    expect(metrics.body).toMatch(/^shotline_device_finished_seconds_count\{device="slow"\} 5$/m);
    expect(metrics.body).toMatch(/^shotline_shots_per_second /m);
  });
});
