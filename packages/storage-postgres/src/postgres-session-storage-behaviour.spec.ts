import { inspect } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConnectionFailedError,
  ContractViolationError,
  InvalidStateTransitionError,
  InvalidStorageDataError,
  NDArray,
  SequencePath,
  StorageSchemaError,
  copyPath,
  currentRunOwner,
} from '@shotline/core';
import { openSqliteStorage } from '@shotline/storage-sqlite';
import { useLatestSchema } from '@shotline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './internal/schema.js';
import {
  POSTGRES_SCHEMA_VERSION,
  type PostgresSessionStorage,
  openPostgresStorage,
} from './postgres-session-storage.js';
import {
  PG_SKIP_REASON,
  PG_URL,
  temporarySchemas,
  withSchemaClient,
} from './postgres-test-schemas.test-helper.js';

const p = (text: string) => SequencePath.parse(text);
if (PG_SKIP_REASON) console.warn(`PostgreSQL storage tests are skipped: ${PG_SKIP_REASON}`);

describe.skipIf(PG_SKIP_REASON !== undefined)('PostgresSessionStorage', () => {
  const schemas = temporarySchemas('behaviour');
  const open: PostgresSessionStorage[] = [];
  const connect = async (schema = schemas.next(), options = {}) => {
    const storage = await openPostgresStorage(PG_URL!, { schema, ...options });
    open.push(storage);
    return storage;
  };
  afterAll(async () => {
    for (const storage of open) await storage.close();
    await schemas.dispose();
  });

  describe('schema versions', () => {
    it('creates a fresh schema at the current version', async () => {
      const storage = await connect();
      expect(storage.migration).toEqual({ from: 0, to: POSTGRES_SCHEMA_VERSION });
      const version = await withSchemaClient(storage.schema, (c) =>
        c.query('SELECT version FROM shotline_schema_version'),
      );
      expect(version.rows).toEqual([{ version: POSTGRES_SCHEMA_VERSION }]);
    });

    it('migrates once when several lab PCs open a new schema at the same moment', async () => {
      const schema = schemas.next();
      const storages = await Promise.all([1, 2, 3, 4].map(() => connect(schema)));
      expect(storages.filter((s) => s.migration.from === 0)).toHaveLength(1);
      expect(storages.every((s) => s.migration.to === POSTGRES_SCHEMA_VERSION)).toBe(true);
      (await storages[0]!.createPath(p('\\shared'))).unwrap();
      expect(await storages[3]!.pathExists(p('\\shared'))).toBe(true);
    });

    it('migrates a hand-made version 1 schema, keeping its data', async () => {
      const schema = schemas.next();
      await withSchemaClient(schema, async (c) => {
        await c.query(`CREATE SCHEMA "${schema}"`);
        await c.query(`
          CREATE TABLE shotline_schema_version (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            version integer NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
          INSERT INTO shotline_schema_version (version) VALUES (1);
          CREATE TABLE paths (id bigserial PRIMARY KEY, path text COLLATE "C" NOT NULL UNIQUE,
            parent_id bigint REFERENCES paths(id) ON DELETE CASCADE, created_at timestamptz NOT NULL);
          CREATE TABLE sequences (id bigserial PRIMARY KEY,
            path_id bigint NOT NULL UNIQUE REFERENCES paths(id) ON DELETE CASCADE, state text NOT NULL,
            iteration json NOT NULL, time_lanes json NOT NULL, expected_shots bigint, globals json,
            device_configurations json, error json, start_time timestamptz, stop_time timestamptz);
          CREATE TABLE shots (id bigserial PRIMARY KEY,
            sequence_id bigint NOT NULL REFERENCES sequences(id) ON DELETE CASCADE, idx bigint NOT NULL,
            start_time timestamptz NOT NULL, end_time timestamptz NOT NULL, parameters json NOT NULL,
            UNIQUE (sequence_id, idx));
          CREATE TABLE shot_structured_data (shot_id bigint NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
            label text NOT NULL, content json NOT NULL, PRIMARY KEY (shot_id, label));
          CREATE TABLE shot_array_data (shot_id bigint NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
            label text NOT NULL, dtype text NOT NULL, shape json NOT NULL, bytes bytea NOT NULL,
            PRIMARY KEY (shot_id, label));
          CREATE TABLE settings (name text PRIMARY KEY, content json NOT NULL);
          CREATE TABLE device_configurations (name text PRIMARY KEY, type text NOT NULL, content json NOT NULL);
          INSERT INTO paths VALUES (1, '\\old', NULL, '2020-09-13T12:26:40Z');
          INSERT INTO sequences VALUES (1, 1, 'finished', '{}', '{}', 1, '[]', '[]', NULL,
            '2020-09-13T12:26:41Z', '2020-09-13T12:26:42Z');
          INSERT INTO shots VALUES (1, 1, 0, '2020-09-13T12:26:41.5Z', '2020-09-13T12:26:41.6Z', '{"x":2}');
          INSERT INTO shot_array_data VALUES (1, 'cam\\pic', 'uint8', '[3]', '\\x010203');
        `);
      });
      const storage = await connect(schema);
      expect(storage.migration).toEqual({ from: 1, to: POSTGRES_SCHEMA_VERSION });
      expect((await storage.getSequence(p('\\old'))).unwrap()).toMatchObject({
        state: 'finished',
        owner: null,
        completedShots: 1,
        stopTime: new Date('2020-09-13T12:26:42Z'),
      });
      expect((await storage.getShot(p('\\old'), 0)).unwrap()).toMatchObject({
        parameters: { x: 2 },
        timing: null,
      });
      const pic = (await storage.getShotData(p('\\old'), 0, 'cam\\pic')).unwrap() as NDArray;
      expect([...pic.data]).toEqual([1, 2, 3]);
    });

    it.each([2, 3, 4] as const)(
      'migrates a version %i schema to the current version, keeping its data and locks',
      async (version) => {
        const schema = schemas.next();
        const owner = {
          id: 'run-1',
          host: 'lab-pc',
          pid: 4242,
          processStartedAt: null,
          label: 'shotline run \\old',
        };
        await withSchemaClient(schema, async (c) => {
          await c.query(`CREATE SCHEMA "${schema}"`);
          // The released SQL of every step up to `version`, then data as that release wrote it.
          for (const step of MIGRATIONS) if (step.version <= version) await c.query(step.sql);
          await c.query('UPDATE shotline_schema_version SET version = $1', [version]);
          await c.query(`
            INSERT INTO paths VALUES (1, '\\old', NULL, '2020-09-13T12:26:40Z');
            INSERT INTO sequences (id, path_id, state, iteration, time_lanes, expected_shots, globals,
              device_configurations, error, start_time, stop_time)
            VALUES (1, 1, 'finished', '{}', '{}', 1, '[]', '[]', NULL,
              '2020-09-13T12:26:41Z', '2020-09-13T12:26:42Z');
            INSERT INTO shots (id, sequence_id, idx, start_time, end_time, parameters)
            VALUES (1, 1, 0, '2020-09-13T12:26:41.5Z', '2020-09-13T12:26:41.6Z', '{"x":2}');
          `);
          await c.query('UPDATE sequences SET owner = $1', [JSON.stringify(owner)]);
          if (version >= 3) {
            await c.query(
              `INSERT INTO resource_locks VALUES ('device:cam', 'run-1', $1, '\\old',
                 '2020-09-13T12:26:41Z', '2020-09-13T12:26:41.5Z', '2100-01-01T00:00:00Z')`,
              [JSON.stringify(owner)],
            );
          }
          if (version >= 4) {
            await c.query(
              `INSERT INTO shot_array_data (shot_id, label, dtype, shape, bytes)
               VALUES (1, 'cam\\pic', 'uint8', '[3]', '\\x010203')`,
            );
            await c.query(
              `INSERT INTO api_tokens VALUES ('token-of-v4', 'bob', '["read"]', 'aa', 'bb',
                 '2020-09-13T12:26:43Z')`,
            );
            await c.query(
              `INSERT INTO audit_log (time, actor, action, target, details)
               VALUES ('2020-09-13T12:26:43Z', 'alice', 'token.create', 'bob', '{}')`,
            );
          }
        });
        const storage = await connect(schema);
        expect(storage.migration).toEqual({ from: version, to: POSTGRES_SCHEMA_VERSION });
        expect((await storage.getSequence(p('\\old'))).unwrap()).toMatchObject({
          state: 'finished',
          owner,
          completedShots: 1,
          stopTime: new Date('2020-09-13T12:26:42Z'),
        });
        expect((await storage.getShot(p('\\old'), 0)).unwrap()).toMatchObject({
          parameters: { x: 2 },
        });
        expect(await storage.listLocks()).toEqual(
          version >= 3
            ? [
                {
                  resource: 'device:cam',
                  holder: owner,
                  sequence: '\\old',
                  acquiredAt: new Date('2020-09-13T12:26:41Z'),
                  renewedAt: new Date('2020-09-13T12:26:41.5Z'),
                  expiresAt: new Date('2100-01-01T00:00:00Z'),
                },
              ]
            : [],
        );
        const used = await useLatestSchema(storage, p('\\old'));
        expect(used.locked).toEqual(['device:migration-check']);
        expect(used.queue.map((r) => [r.id, r.position, r.state])).toEqual([
          ['run-after-migration', 0, 'queued'],
        ]);
        expect(used.audit.map((e) => [e.id, e.action])).toEqual(
          version >= 4
            ? [
                [1, 'token.create'],
                [2, 'queue.submit'],
              ]
            : [[1, 'queue.submit']],
        );
        expect(used.tokens.map((t) => [t.id, t.user, t.scopes]).sort()).toEqual(
          [
            ['token-after-migration', 'alice', ['read']],
            ...(version >= 4 ? [['token-of-v4', 'bob', ['read']]] : []),
          ].sort(),
        );
        if (version >= 4) {
          const pic = (await storage.getShotData(p('\\old'), 0, 'cam\\pic')).unwrap() as NDArray;
          expect([...pic.data]).toEqual([1, 2, 3]);
        }
        expect(used.events.map((e) => [e.kind, e.data])).toEqual([
          ['pause-requested', { by: 'alice' }],
        ]);
        expect((await storage.getSequence(p('\\old'))).unwrap().suspenders).toEqual([]);
      },
    );

    it('refuses a newer schema, naming both versions', async () => {
      const storage = await connect();
      await withSchemaClient(storage.schema, (c) =>
        c.query('UPDATE shotline_schema_version SET version = 9'),
      );
      const again = openPostgresStorage(PG_URL!, { schema: storage.schema });
      await expect(again).rejects.toBeInstanceOf(StorageSchemaError);
      await expect(again).rejects.toThrow(
        `has schema version 9, newer than version ${POSTGRES_SCHEMA_VERSION}`,
      );
    });

    it('refuses a schema holding other tables named like shotline ones', async () => {
      const schema = schemas.next();
      await withSchemaClient(schema, async (c) => {
        await c.query(`CREATE SCHEMA "${schema}"`);
        await c.query('CREATE TABLE paths (x int)');
      });
      await expect(openPostgresStorage(PG_URL!, { schema })).rejects.toThrow(
        /is not a shotline database/,
      );
    });
  });

  it('lets exactly one of four managers start each sequence', async () => {
    const schema = schemas.next();
    const managers = await Promise.all([1, 2, 3, 4].map(() => connect(schema)));
    const paths = Array.from({ length: 16 }, (_, i) => p(`\\race\\s${i}`));
    for (const path of paths) {
      (
        await managers[0]!.createSequence(path, { iteration: [], timeLanes: [], expectedShots: 1 })
      ).unwrap();
    }
    const attempts = paths.map((path) =>
      Promise.all(
        managers.map((m, k) =>
          m.setPreparing(path, {
            globals: [],
            deviceConfigurations: [],
            owner: { ...currentRunOwner(`manager-${k}`), id: `manager-${k}` },
          }),
        ),
      ),
    );
    const results = await Promise.all(attempts);
    for (const [i, forPath] of results.entries()) {
      const winners = forPath.flatMap((r, k) => (r.ok ? [`manager-${k}`] : []));
      expect(winners, paths[i]!.toString()).toHaveLength(1);
      for (const r of forPath)
        if (!r.ok) expect(r.error).toBeInstanceOf(InvalidStateTransitionError);
      expect((await managers[1]!.getSequence(paths[i]!)).unwrap().owner?.id).toBe(winners[0]);
    }
  });

  it('keeps the password out of its location, its inspection and its errors', async () => {
    const secret = 'Sup3r-s3cret';
    const url = new URL(PG_URL!);
    url.password = secret;
    const storage = await openPostgresStorage(url.toString(), { schema: schemas.next() });
    open.push(storage);
    expect(storage.location).not.toContain(secret);
    expect(storage.location).toContain(url.hostname);
    expect(inspect(storage, { depth: 8, showHidden: true })).not.toContain(secret);
    expect(JSON.stringify(storage)).not.toContain(secret);
    const unreachable = new URL(url);
    unreachable.port = '1';
    const failure: Error = await openPostgresStorage(unreachable.toString(), {
      connectionTimeoutMs: 2000,
    }).then(
      () => new Error('opened a storage on a closed port'),
      (e: unknown) => e as Error,
    );
    expect(failure).toBeInstanceOf(ConnectionFailedError);
    expect(failure.message).toContain('cannot open the PostgreSQL storage at postgres');
    expect(`${failure.message} ${failure.stack} ${inspect(failure, { depth: 8 })}`).not.toContain(
      secret,
    );
  });

  it('reports a malformed stored error summary and refuses use after close', async () => {
    const storage = await openPostgresStorage(PG_URL!, { schema: schemas.next() });
    const path = p('\\s');
    (
      await storage.createSequence(path, { iteration: [], timeLanes: [], expectedShots: 0 })
    ).unwrap();
    (
      await storage.setPreparing(path, {
        globals: [],
        deviceConfigurations: [],
        owner: currentRunOwner('o'),
      })
    ).unwrap();
    (
      await storage.setCrashed(path, { type: 'E', message: 'm', recoverable: false }, new Date())
    ).unwrap();
    await withSchemaClient(storage.schema, (c) =>
      c.query(`UPDATE sequences SET error = '{"type": 3}'`),
    );
    await expect(storage.getError(path)).rejects.toBeInstanceOf(InvalidStorageDataError);
    await expect(storage.getError(path)).rejects.toThrow(/stored error summary is malformed/);
    await storage.close();
    await storage.close();
    await expect(storage.pathExists(path)).rejects.toBeInstanceOf(ContractViolationError);
  });

  it('copies a subtree from SQLite to PostgreSQL and back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shotline-copy-'));
    const sqlite = await openSqliteStorage(join(dir, 'lab.sqlite'), { writer: 'inline' });
    const back = await openSqliteStorage(join(dir, 'back.sqlite'), { writer: 'inline' });
    try {
      const path = p('\\lab\\mot\\scan');
      const createdAt = new Date('2022-02-02T02:02:02.002Z');
      (await sqlite.createPath(p('\\lab'), { createdAt })).unwrap();
      (
        await sqlite.createSequence(path, { iteration: { n: 2 }, timeLanes: [], expectedShots: 2 })
      ).unwrap();
      (
        await sqlite.setPreparing(path, {
          globals: [{ g: 1 }],
          deviceConfigurations: [],
          owner: currentRunOwner('pc'),
        })
      ).unwrap();
      (await sqlite.setRunning(path, new Date('2022-02-02T03:00:00.003Z'))).unwrap();
      for (const index of [0, 1]) {
        (
          await sqlite.createShot(path, {
            index,
            parameters: { x: index },
            data: {
              image: new NDArray('uint16', [64, 64], new Uint16Array(4096).fill(index + 1)),
              fit: { amplitude: index * 2.5 },
            },
            startTime: new Date(1_650_000_000_000 + index * 1000),
            endTime: new Date(1_650_000_000_400 + index * 1000),
            timing: { camera: { ready: 0.25 } },
          })
        ).unwrap();
      }
      (await sqlite.setFinished(path, new Date('2022-02-02T03:00:10.010Z'))).unwrap();

      const postgres = await connect();
      expect((await copyPath(sqlite, postgres, p('\\lab'))).unwrap()).toEqual([path]);
      expect((await postgres.getSequence(path)).unwrap()).toEqual(
        (await sqlite.getSequence(path)).unwrap(),
      );
      expect((await postgres.creationDate(p('\\lab'))).unwrap()).toEqual(createdAt);
      expect((await postgres.readShotTable(path)).unwrap()).toEqual(
        (await sqlite.readShotTable(path)).unwrap(),
      );
      const image = (await postgres.getShotData(path, 1, 'image')).unwrap() as NDArray<'uint16'>;
      expect(image.data.every((v) => v === 2)).toBe(true);

      (await copyPath(postgres, back, p('\\lab\\mot'))).unwrap();
      expect((await back.getShot(path, 0)).unwrap()).toEqual(
        (await sqlite.getShot(path, 0)).unwrap(),
      );
    } finally {
      await sqlite.close();
      await back.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
