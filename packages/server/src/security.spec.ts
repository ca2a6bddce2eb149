// Security of the server, point by point, with real HTTP requests and a real WebSocket client.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  AuthenticationError,
  BEARER_PROTOCOL_PREFIX,
  EVENT_STREAM_PROTOCOL,
  ExperimentManager,
  ResourceBusyError,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { createSimulatedLab, simulatedDevice, countingScan } from '@shotline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiToken } from './auth/api-tokens.js';
import { LabLockedError } from './http/server-errors.js';
import { LabServer } from './lab-server.js';
import { startTestServer, type TestServer } from './test-server.test-helper.js';

const TIMEOUT = 60_000;
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function labAndServer(options: Parameters<typeof startTestServer>[1] = {}) {
  const lab = await createSimulatedLab({ devices: [simulatedDevice.noop('laser')] });
  await lab.session.createSequence('\\a', countingScan(3));
  const served = await startTestServer(lab, options);
  servers.push(served);
  return { lab, served };
}

function request(
  served: TestServer,
  method: string,
  path: string,
  options: { token?: string | null; body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const token = options.token === undefined ? served.token : options.token;
  return fetch(`${served.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

/** Opens the event stream; resolves with the first message, or rejects with the HTTP status. */
function openStream(
  served: TestServer,
  protocols: string[],
  headers: Record<string, string> = {},
): Promise<{ socket: WebSocket; hello: { kind: string; session: string } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${served.url.replace('http', 'ws')}/api/events`, protocols, {
      headers,
    });
    socket.once('message', (data) =>
      resolve({ socket, hello: JSON.parse((data as Buffer).toString()) }),
    );
    socket.once('unexpected-response', (_request, response) => {
      reject(new Error(`HTTP ${response.statusCode}`));
    });
    socket.once('error', reject);
  });
}

const ROUTES: [string, string, string?][] = [
  ['GET', '/api/queue'],
  ['POST', '/api/queue', JSON.stringify({ sequence: '\\a' })],
  ['GET', '/api/sequences'],
  ['GET', '/api/sequence?path=%5Ca'],
  ['PUT', '/api/globals', JSON.stringify({ globals: [['x', '1']] })],
  ['PUT', '/api/device?name=cam', JSON.stringify({ type: 'x', configuration: {} })],
  ['POST', '/api/procedures', JSON.stringify({ session: 's', name: 'p' })],
  ['POST', '/api/procedures/active/interrupt'],
  ['GET', '/api/audit'],
  ['GET', '/metrics'],
  ['GET', '/api/openapi.json'],
  ['GET', '/api/no-such-route'],
];

describe('authentication', () => {
  it(
    'refuses every route without a token (401) and does nothing',
    { timeout: TIMEOUT },
    async () => {
      const { lab, served } = await labAndServer();
      for (const [method, path, body] of ROUTES) {
        const response = await request(served, method, path, {
          token: null,
          ...(body ? { body } : {}),
        });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect((await errorOf(response)).code).toBe('UNAUTHENTICATED');
      }
      expect(await lab.storage.listQueuedRuns()).toEqual([]);
      expect((await lab.session.globals()).toJSON()).toEqual([]);
      expect(await lab.storage.readAuditLog()).toEqual([]);
      // /health says only that the server is up
      const health = await request(served, 'GET', '/health', { token: null });
      expect(await health.json()).toEqual({ status: 'ok', labLock: 'held' });
    },
  );

  it('refuses malformed, unknown and forged tokens', { timeout: TIMEOUT }, async () => {
    const { served } = await labAndServer();
    const [, id, secret] = /^slt_([0-9a-f]+)\.(.+)$/.exec(served.token)!;
    const forged = `slt_${id}.${secret!.slice(0, -2)}${secret!.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const token of [
      'nonsense',
      `slt_0000000000000000.${secret}`,
      forged,
      `${served.token}x`,
    ]) {
      const response = await request(served, 'GET', '/api/queue', { token });
      expect(response.status, token).toBe(401);
    }
    expect((await request(served, 'GET', '/api/queue')).status).toBe(200);
  });

  it(
    'stores tokens only as salted scrypt keys, each with its own salt',
    { timeout: TIMEOUT },
    async () => {
      const { lab, served } = await labAndServer();
      const second = await createApiToken(lab.storage, 'tester', ['read']);
      const records = await lab.storage.listApiTokens();
      expect(records).toHaveLength(2);
      const stored = JSON.stringify(records);
      for (const token of [served.token, second.token]) {
        expect(stored).not.toContain(token);
        expect(stored).not.toContain(token.split('.')[1]);
      }
      expect(records[0]!.salt).not.toBe(records[1]!.salt);
      expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    },
  );

  it(
    'refuses a token whose scopes do not allow the route (403), doing nothing',
    { timeout: TIMEOUT },
    async () => {
      const { lab, served } = await labAndServer();
      const reader = (await createApiToken(lab.storage, 'reader', ['read'])).token;
      const runner = (await createApiToken(lab.storage, 'runner', ['read', 'run'])).token;
      expect((await request(served, 'GET', '/api/queue', { token: reader })).status).toBe(200);
      const submit = await request(served, 'POST', '/api/queue', {
        token: reader,
        body: JSON.stringify({ sequence: '\\a' }),
      });
      expect(submit.status).toBe(403);
      expect((await errorOf(submit)).message).toMatch(/needs "run"/);
      const globals = await request(served, 'PUT', '/api/globals', {
        token: runner,
        body: JSON.stringify({ globals: [['x', '1']] }),
      });
      expect(globals.status).toBe(403);
      expect((await request(served, 'GET', '/api/audit', { token: runner })).status).toBe(403);
      expect(await lab.storage.listQueuedRuns()).toEqual([]);
      expect((await lab.session.globals()).toJSON()).toEqual([]);
    },
  );

  it('the event stream needs a token too', { timeout: TIMEOUT }, async () => {
    const { served } = await labAndServer();
    await expect(openStream(served, [EVENT_STREAM_PROTOCOL])).rejects.toThrow('HTTP 401');
    await expect(
      openStream(served, [
        EVENT_STREAM_PROTOCOL,
        `${BEARER_PROTOCOL_PREFIX}slt_0000000000000000.x`,
      ]),
    ).rejects.toThrow('HTTP 401');
    const { socket, hello } = await openStream(served, [
      EVENT_STREAM_PROTOCOL,
      `${BEARER_PROTOCOL_PREFIX}${served.token}`,
    ]);
    expect(hello.kind).toBe('hello');
    expect(socket.protocol).toBe(EVENT_STREAM_PROTOCOL);
    socket.close();
    await expect(
      ExperimentManager.connect(served.url, { token: 'slt_0000000000000000.nope' }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('the event stream from browsers', () => {
  it('accepts only its own origin and the allowed ones', { timeout: TIMEOUT }, async () => {
    const { served } = await labAndServer({ allowedOrigins: ['https://control.lab.example'] });
    const protocols = [EVENT_STREAM_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${served.token}`];
    await expect(openStream(served, protocols, { origin: 'https://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
    const own = await openStream(served, protocols, { origin: served.url });
    own.socket.close();
    const allowed = await openStream(served, protocols, { origin: 'https://control.lab.example' });
    allowed.socket.close();
  });
});

describe('request bodies', () => {
  it(
    'refuses malformed JSON, unknown fields, wrong types and oversize bodies with a located message, writing nothing',
    { timeout: TIMEOUT },
    async () => {
      const { lab, served } = await labAndServer({ bodyLimitBytes: 16 * 1024 });
      const cases: [string, number, RegExp][] = [
        ['{"sequence": "\\\\a",', 400, /not valid JSON/],
        [
          JSON.stringify({ sequence: '\\a', priority: 1 }),
          400,
          /body: Unrecognized key: "priority"|priority/,
        ],
        [JSON.stringify({ sequence: 12 }), 400, /body\.sequence: .*expected string/i],
        [JSON.stringify({ sequence: 'x'.repeat(20_000) }), 413, /larger than this server accepts/],
      ];
      for (const [body, status, message] of cases) {
        const response = await request(served, 'POST', '/api/queue', { body });
        expect(response.status, body.slice(0, 40)).toBe(status);
        const error = await errorOf(response);
        expect(error.message).toMatch(message);
        expect(error.message).toMatch(/POST \/api\/queue/);
        expect(JSON.stringify(error)).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
      }
      expect(await lab.storage.listQueuedRuns()).toEqual([]);
      expect(await lab.storage.readAuditLog()).toEqual([]);
    },
  );

  it(
    'refuses bad sequence paths naming the path, and a second submission of a queued sequence',
    { timeout: TIMEOUT },
    async () => {
      const { lab, served } = await labAndServer();
      // keep the queue busy: a procedure holds the lab, so the run stays queued
      const holder = await lab.session.createSequence('\\b', countingScan(1));
      void holder;
      const manager = await ExperimentManager.connect(served.url, { token: served.token });
      const procedure = await manager.createProcedure('holding the lab').activate();
      try {
        const bad = await request(served, 'POST', '/api/queue', {
          body: JSON.stringify({ sequence: '\\a\\\\b' }),
        });
        expect(bad.status).toBe(422);
        expect((await errorOf(bad)).message).toMatch(/\\a\\\\b/);
        const missing = await request(served, 'POST', '/api/queue', {
          body: JSON.stringify({ sequence: '\\nope' }),
        });
        expect(missing.status).toBe(404);
        expect((await errorOf(missing)).message).toMatch(/\\nope/);
        const first = await request(served, 'POST', '/api/queue', {
          body: JSON.stringify({ sequence: '\\a' }),
        });
        expect(first.status).toBe(201);
        const again = await request(served, 'POST', '/api/queue', {
          body: JSON.stringify({ sequence: '\\a' }),
        });
        expect(again.status).toBe(409);
        expect(await errorOf(again)).toMatchObject({ code: 'SEQUENCE_ALREADY_QUEUED' });
        expect((await lab.storage.listQueuedRuns()).length).toBe(1);
      } finally {
        await procedure.deactivate();
        await manager.close();
      }
    },
  );
});

/**
 * Another process on the same SQLite lab (test-fixtures/lab-process.mjs): `run` runs the sequence
 * \\b as `shotline run` does, `serve` starts a lab server.
 */
const LAB_PROCESS = join(import.meta.dirname, '..', 'test-fixtures', 'lab-process.mjs');

describe('the lab lock (real SQLite file locks, a real second process)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function sqliteLab() {
    const dir = mkdtempSync(join(tmpdir(), 'shotline-lab-lock-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'shotline.sqlite');
    const storage = await openSqliteStorage(file);
    cleanups.push(() => storage.close());
    const lab = await createSimulatedLab({
      storage,
      devices: [simulatedDevice.slow('slow', { shotMs: 20 })],
      record: false,
    });
    await lab.session.createSequence('\\a', countingScan(3));
    await lab.session.createSequence('\\b', countingScan(100_000));
    return { file, lab };
  }

  /** Starts the other process; resolves with it once it printed its first line. */
  async function otherProcess(file: string, mode: 'run' | 'serve') {
    const child = spawn(process.execPath, [LAB_PROCESS, file, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const [line] = (await Promise.race([
      once(createInterface({ input: child.stdout! }), 'line'),
      exited.then(() => {
        throw new Error(`the other process exited: ${stderr}`);
      }),
    ])) as [string];
    return { child, exited, line };
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    while (!(await check())) await new Promise((r) => setTimeout(r, 50));
  }

  it(
    'a server waits while a run of another process holds the devices, refusing submissions with the run named, then takes the lab',
    { timeout: TIMEOUT },
    async () => {
      const { file, lab } = await sqliteLab();
      const run = await otherProcess(file, 'run');
      expect(run.line).toBe('running');
      const served = await startTestServer(lab, { labLockRetryMs: 100 });
      cleanups.push(() => served.close());
      const health = async () =>
        (
          (await (await request(served, 'GET', '/health', { token: null })).json()) as {
            labLock: string;
          }
        ).labLock;
      expect(await health()).toBe('waiting');
      const refused = await request(served, 'POST', '/api/queue', {
        body: JSON.stringify({ sequence: '\\a' }),
      });
      expect(refused.status).toBe(409);
      const error = await errorOf(refused);
      expect(error.code).toBe('LAB_LOCKED');
      expect(error.message).toMatch(
        new RegExp(
          `the lab is locked by sequence \\\\b, run by shotline run \\\\b \\(host .+, pid ${run.child.pid}\\)`,
        ),
      );
      expect(await lab.storage.listQueuedRuns()).toEqual([]);

      // kill -9: the operating system releases the run's locks, and the server takes the lab
      run.child.kill('SIGKILL');
      await run.exited;
      await until(async () => (await health()) === 'held');
      const queued = await request(served, 'POST', '/api/queue', {
        body: JSON.stringify({ sequence: '\\a' }),
      });
      expect(queued.status).toBe(201);
      // the server's own queued run goes ahead under its lab lock
      await until(async () => (await lab.session.state('\\a')) === 'finished');
      expect(await lab.session.shotIndices('\\a')).toEqual([0, 1, 2]);
    },
  );

  it(
    'a second server is refused naming the first; a run of another program is refused naming the server',
    { timeout: TIMEOUT },
    async () => {
      const { file, lab } = await sqliteLab();
      const other = await otherProcess(file, 'serve');
      expect(other.line).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const second = await LabServer.create({
        storage: lab.storage,
        registry: lab.registry,
        logger: false,
      });
      const refused = await second.listen({ host: '127.0.0.1', port: 0 }).catch((e: unknown) => e);
      await second.close();
      expect(refused).toBeInstanceOf(LabLockedError);
      expect((refused as Error).message).toMatch(
        new RegExp(
          `^another server owns this lab: shotline serve \\(other process\\) \\(host .+, pid ${other.child.pid}\\) since `,
        ),
      );

      // as `shotline run \\a` would: refused before anything is written, the server named
      const manager = await ExperimentManager.create({
        storage: lab.storage,
        registry: lab.registry,
        label: 'shotline run \\a',
      });
      const error = await manager
        .createProcedure('cli')
        .run((p) => p.runSequence('\\a'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceBusyError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^the lab is in use by shotline serve \\(other process\\) \\(host .+, pid ${other.child.pid}\\) since `,
        ),
      );
      expect(await lab.session.state('\\a')).toBe('draft');
      await manager.close();
    },
  );
});

describe('no code from clients', () => {
  it('never loads a module or runs code a client names', { timeout: TIMEOUT }, async () => {
    const { lab, served } = await labAndServer();
    const dir = mkdtempSync(join(tmpdir(), 'shotline-no-code-'));
    const marker = join(dir, 'ran');
    const evil = join(dir, 'evil.mjs');
    writeFileSync(
      evil,
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(marker)}, 'x');`,
    );
    try {
      for (const type of [evil, `file://${evil}`, 'node:child_process', '../../../evil.mjs']) {
        const response = await request(served, 'PUT', '/api/device?name=x', {
          body: JSON.stringify({ type, configuration: {} }),
        });
        expect(response.status, type).toBeGreaterThanOrEqual(400);
        expect(response.status, type).toBeLessThan(500);
      }
      const globals = await request(served, 'PUT', '/api/globals', {
        body: JSON.stringify({
          globals: [['x', `process.exit(1) || import(${JSON.stringify(evil)})`]],
        }),
      });
      expect(globals.status).toBe(422);
      expect(existsSync(marker)).toBe(false);
      expect(await lab.storage.listDeviceConfigurations()).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no eval, Function constructor or import with a computed name in its source', () => {
    let found: string;
    try {
      found = execFileSync(
        'grep',
        ['-rnE', '\\beval\\(|new Function\\(|[^.]import\\([a-zA-Z_]', import.meta.dirname],
        { encoding: 'utf8' },
      );
    } catch {
      found = ''; // grep exits 1 when nothing matches
    }
    expect(found.split('\n').filter((line) => line && !line.includes('.spec.ts'))).toEqual([]);
  });
});

describe('the audit log', () => {
  it(
    'records who changed what and when, and nothing for refused requests',
    { timeout: TIMEOUT },
    async () => {
      const { lab, served } = await labAndServer();
      expect(
        (
          await request(served, 'PUT', '/api/globals', {
            body: JSON.stringify({ globals: [['x', '2 MHz']] }),
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await request(served, 'PUT', '/api/device?name=laser2', {
            body: JSON.stringify({ type: simulatedDevice.noop('z').type, configuration: {} }),
          })
        ).status,
      ).toBe(200);
      expect(
        (await request(served, 'POST', '/api/queue', { body: JSON.stringify({ sequence: '\\a' }) }))
          .status,
      ).toBe(201);
      await request(served, 'PUT', '/api/globals', { body: '{"globals": 3}' }); // refused
      const log = (await (await request(served, 'GET', '/api/audit')).json()) as {
        action: string;
        time: string;
      }[];
      expect(log.map((e) => e.action)).toEqual(['globals.set', 'device.set', 'queue.submit']);
      expect(log[0]).toMatchObject({
        actor: 'tester',
        target: null,
        details: { globals: [['x', '2 MHz']] },
      });
      expect(log[1]).toMatchObject({ actor: 'tester', target: 'laser2' });
      expect(log[2]).toMatchObject({ actor: 'tester', target: '\\a' });
      expect(Date.parse(log[2]!.time)).toBeGreaterThan(Date.now() - 60_000);
      void lab;
    },
  );
});

describe('logs', () => {
  it('are JSON lines with levels and never contain a token', { timeout: TIMEOUT }, async () => {
    const { lab, served } = await labAndServer();
    const { socket } = await openStream(served, [
      EVENT_STREAM_PROTOCOL,
      `${BEARER_PROTOCOL_PREFIX}${served.token}`,
    ]);
    socket.close();
    await request(served, 'GET', '/api/queue');
    await request(served, 'GET', '/api/queue', { token: `${served.token}x` });
    await request(served, 'POST', '/api/queue', {
      body: JSON.stringify({ sequence: '\\a', token: served.token }),
    });
    const manager = await ExperimentManager.connect(served.url, { token: served.token });
    await manager.createProcedure('p').run((p) => p.runSequence('\\a').catch(() => undefined));
    await manager.close();
    expect(served.logs.length).toBeGreaterThan(5);
    const secret = served.token.split('.')[1]!;
    for (const line of served.logs) {
      const entry = JSON.parse(line) as { level: number; msg?: string };
      expect(typeof entry.level).toBe('number');
      expect(line).not.toContain(secret);
    }
    const audit = JSON.stringify(await lab.storage.readAuditLog());
    expect(audit).not.toContain(secret);
  });
});

describe('TLS', () => {
  it('serves HTTPS and WSS with the lab certificate', { timeout: TIMEOUT }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shotline-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const key = readFileSync(join(dir, 'key.pem'));
      const cert = readFileSync(join(dir, 'cert.pem'));
      const { served } = await labAndServer({ tls: { key, cert } });
      expect(served.url).toMatch(/^https:/);
      const { socket, hello } = await new Promise<{ socket: WebSocket; hello: { kind: string } }>(
        (resolve, reject) => {
          const ws = new WebSocket(
            `${served.url.replace('https', 'wss')}/api/events`,
            [EVENT_STREAM_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${served.token}`],
            { ca: cert },
          );
          ws.once('message', (d) =>
            resolve({ socket: ws, hello: JSON.parse((d as Buffer).toString()) }),
          );
          ws.once('error', reject);
        },
      );
      expect(hello.kind).toBe('hello');
      socket.close();
      // a client that does not trust the certificate cannot connect
      await expect(fetch(`${served.url}/health`)).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
