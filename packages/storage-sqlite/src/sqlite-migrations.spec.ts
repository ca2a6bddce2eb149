import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type NDArray, SequencePath, StorageSchemaError, currentRunOwner } from '@shotline/core';
import { useLatestSchema } from '@shotline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './internal/schema.js';
import { SQLITE_SCHEMA_VERSION, openSqliteStorage } from './sqlite-session-storage.js';
import { temporaryDatabases, withRawConnection } from './sqlite-test-files.test-helper.js';

const files = temporaryDatabases('migrations');
afterAll(() => files.dispose());

const SHOTLINE_APPLICATION_ID = 0x53484f54;

/**
 * A version-1 database written by hand, as the first release of @shotline/storage-sqlite left it:
 * no sequence owner, no shot timing. It holds a finished sequence with one shot.
 */
function makeVersion1Database(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE paths (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
      parent_id INTEGER REFERENCES paths(id) ON DELETE CASCADE, created_at INTEGER NOT NULL);
    CREATE INDEX paths_parent_id ON paths(parent_id);
    CREATE TABLE sequences (id INTEGER PRIMARY KEY,
      path_id INTEGER NOT NULL UNIQUE REFERENCES paths(id) ON DELETE CASCADE,
      state TEXT NOT NULL, iteration TEXT NOT NULL, time_lanes TEXT NOT NULL, expected_shots INTEGER,
      globals TEXT, device_configurations TEXT, error TEXT, start_time INTEGER, stop_time INTEGER);
    CREATE INDEX sequences_state ON sequences(state);
    CREATE TABLE shots (id INTEGER PRIMARY KEY,
      sequence_id INTEGER NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
      idx INTEGER NOT NULL, start_time INTEGER NOT NULL, end_time INTEGER NOT NULL,
      parameters TEXT NOT NULL, UNIQUE (sequence_id, idx));
    CREATE TABLE shot_structured_data (shot_id INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE,
      label TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (shot_id, label)) WITHOUT ROWID;
    CREATE TABLE shot_array_data (id INTEGER PRIMARY KEY,
      shot_id INTEGER NOT NULL REFERENCES shots(id) ON DELETE CASCADE, label TEXT NOT NULL,
      dtype TEXT NOT NULL, shape TEXT NOT NULL, bytes BLOB NOT NULL, UNIQUE (shot_id, label));
    CREATE TABLE settings (name TEXT PRIMARY KEY, content TEXT NOT NULL);
    CREATE TABLE device_configurations (name TEXT PRIMARY KEY, type TEXT NOT NULL, content TEXT NOT NULL);
    INSERT INTO paths VALUES (1, '\\old', NULL, 1600000000000), (2, '\\old\\run', 1, 1600000000001);
    INSERT INTO sequences VALUES (1, 2, 'finished', '{"steps":[]}', '{"lanes":[]}', 2, '[]', '[]', NULL,
      1600000001000, 1600000002000);
    INSERT INTO shots VALUES (1, 1, 0, 1600000001100, 1600000001200, '{"x":1.5}');
    INSERT INTO shot_structured_data VALUES (1, 'counts', '42');
    INSERT INTO shot_array_data VALUES (1, 1, 'cam\\picture', 'uint8', '[2]', x'0102');
    INSERT INTO settings VALUES ('globals', '[{"name":"a","value":"1"}]');
  `);
  db.pragma(`application_id = ${SHOTLINE_APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.close();
}

/** A run owner as versions 3 and later store it (JSON of a RunOwner). */
const STORED_OWNER = {
  id: 'run-1',
  host: 'lab-pc',
  pid: 4242,
  processStartedAt: null,
  label: 'shotline run \\old\\run',
};

/** The owner of version 2 (`host:pid:managerId`), read as a run owner. */
const VERSION_2_OWNER = {
  id: 'pc-1',
  host: 'lab-pc',
  pid: 4242,
  processStartedAt: null,
  label: 'manager pc-1',
};

/**
 * A database at an older `version` (2, 3 or 4), as those releases left it: the hand-made version 1,
 * then the released SQL of the steps after it, with an owner on the sequence, from version 3 a lock
 * held by a run on another PC, from version 4 an API token and an entry of the server's audit log.
 */
function makeOlderDatabase(file: string, version: 2 | 3 | 4): void {
  makeVersion1Database(file);
  withRawConnection(file, (db) => {
    for (const step of MIGRATIONS)
      if (step.version > 1 && step.version <= version) db.exec(step.sql);
    db.prepare('UPDATE sequences SET owner = ?').run(
      version === 2 ? 'lab-pc:4242:pc-1' : JSON.stringify(STORED_OWNER),
    );
    if (version >= 3) {
      db.prepare(
        `INSERT INTO resource_locks (resource, holder_id, holder, sequence, acquired_at, renewed_at, expires_at)
         VALUES ('device:cam', 'run-1', ?, '\\old\\run', 1600000001000, 1600000001500, 4102444800000)`,
      ).run(JSON.stringify(STORED_OWNER));
    }
    if (version >= 4) {
      db.prepare(
        `INSERT INTO api_tokens (id, user_name, scopes, salt, hash, created_at)
         VALUES ('token-of-v4', 'bob', '["read"]', 'aa', 'bb', 1600000003000)`,
      ).run();
      db.prepare(
        `INSERT INTO audit_log (time, actor, action, target, details)
         VALUES (1600000003000, 'alice', 'token.create', 'bob', '{}')`,
      ).run();
    }
    db.pragma(`user_version = ${version}`);
  });
}

describe('SQLite schema versions', () => {
  it('creates a new file at the current version, marked as a shotline database', async () => {
    const file = files.next();
    const storage = await openSqliteStorage(file);
    expect(storage.migration).toEqual({ from: 0, to: SQLITE_SCHEMA_VERSION, backup: null });
    await storage.close();
    withRawConnection(file, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
      expect(db.pragma('application_id', { simple: true })).toBe(SHOTLINE_APPLICATION_ID);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
  });

  it('migrates an older database after a backup copy, keeping its data', async () => {
    const file = files.next('old');
    makeVersion1Database(file);
    const storage = await openSqliteStorage(file);
    try {
      expect(storage.migration).toEqual({
        from: 1,
        to: SQLITE_SCHEMA_VERSION,
        backup: `${file}.bak-v1`,
      });
      const path = SequencePath.parse('\\old\\run');
      const record = (await storage.getSequence(path)).unwrap();
      expect(record).toMatchObject({
        state: 'finished',
        completedShots: 1,
        owner: null,
        createdAt: new Date(1600000000001),
        stopTime: new Date(1600000002000),
      });
      expect((await storage.getShot(path, 0)).unwrap()).toMatchObject({
        parameters: { x: 1.5 },
        timing: null,
        labels: ['cam\\picture', 'counts'],
      });
      expect(await storage.getGlobals()).toEqual([{ name: 'a', value: '1' }]);
      (await storage.resetToDraft(path)).unwrap();
      const owner = currentRunOwner('after the migration');
      (await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner })).unwrap();
      expect((await storage.getSequence(path)).unwrap().owner).toEqual(owner);
    } finally {
      await storage.close();
    }
    withRawConnection(`${file}.bak-v1`, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.prepare('SELECT count(*) FROM shots').pluck().get()).toBe(1);
      expect(db.prepare('SELECT state FROM sequences').pluck().get()).toBe('finished');
    });
    const again = await openSqliteStorage(file);
    expect(again.migration).toEqual({
      from: SQLITE_SCHEMA_VERSION,
      to: SQLITE_SCHEMA_VERSION,
      backup: null,
    });
    await again.close();
  });

  it.each([2, 3, 4] as const)(
    'migrates a version %i database to the current version, keeping its data and locks',
    async (version) => {
      const file = files.next(`v${version}-to-latest`);
      makeOlderDatabase(file, version);
      const storage = await openSqliteStorage(file);
      try {
        expect(storage.migration).toEqual({
          from: version,
          to: SQLITE_SCHEMA_VERSION,
          backup: `${file}.bak-v${version}`,
        });
        const path = SequencePath.parse('\\old\\run');
        expect((await storage.getSequence(path)).unwrap()).toMatchObject({
          state: 'finished',
          completedShots: 1,
          owner: version === 2 ? VERSION_2_OWNER : STORED_OWNER,
          stopTime: new Date(1600000002000),
        });
        expect((await storage.getShot(path, 0)).unwrap()).toMatchObject({
          parameters: { x: 1.5 },
          labels: ['cam\\picture', 'counts'],
        });
        expect(await storage.getGlobals()).toEqual([{ name: 'a', value: '1' }]);
        expect(await storage.listLocks()).toEqual(
          version >= 3
            ? [
                {
                  resource: 'device:cam',
                  holder: STORED_OWNER,
                  sequence: '\\old\\run',
                  acquiredAt: new Date(1600000001000),
                  renewedAt: new Date(1600000001500),
                  expiresAt: new Date(4102444800000),
                },
              ]
            : [],
        );
        const used = await useLatestSchema(storage, path);
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
        // The arrays stay where they were (inside the database) and read back; the chunk-file
        // table is there and every reference checks out.
        const picture = (await storage.getShotData(path, 0, 'cam\\picture')).unwrap() as NDArray;
        expect([...picture.data]).toEqual([1, 2]);
        const check = await storage.checkIntegrity();
        expect(check).toMatchObject({ ok: true, problems: [], arrays: 1, chunkedArrays: 0 });
        expect(used.events.map((e) => [e.kind, e.data])).toEqual([
          ['pause-requested', { by: 'alice' }],
        ]);
        expect((await storage.getSequence(path)).unwrap().suspenders).toEqual([]);
      } finally {
        await storage.close();
      }
      withRawConnection(`${file}.bak-v${version}`, (db) => {
        expect(db.pragma('user_version', { simple: true })).toBe(version);
        expect(db.prepare('SELECT count(*) FROM shots').pluck().get()).toBe(1);
      });
      withRawConnection(file, (db) => {
        expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      });
    },
  );

  it('keeps an earlier backup and names the next one apart', async () => {
    const file = files.next('twice');
    makeVersion1Database(file);
    await (await openSqliteStorage(file)).close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    makeVersion1Database(file);
    const storage = await openSqliteStorage(file);
    await storage.close();
    expect(storage.migration.backup).toMatch(/\.bak-v1-\d{4}-/);
    expect(existsSync(`${file}.bak-v1`)).toBe(true);
    expect(existsSync(storage.migration.backup!)).toBe(true);
  });

  it('never leaves a partial backup under the backup name when killed while writing it', async () => {
    const fixture = join(import.meta.dirname, '..', 'test-fixtures', 'migrate-open.mjs');
    let killedDuringBackup = 0;
    for (let attempt = 0; attempt < 6 && killedDuringBackup === 0; attempt++) {
      const file = files.next('killed');
      makeVersion1Database(file);
      // About 48 MB to copy, so that the backup takes a while.
      withRawConnection(file, (db) => {
        const shot = db.prepare(
          'INSERT INTO shots (sequence_id, idx, start_time, end_time, parameters) VALUES (1, ?, 0, 0, ?)',
        );
        const array = db.prepare(
          "INSERT INTO shot_array_data (shot_id, label, dtype, shape, bytes) VALUES (?, 'img', 'uint8', '[1048576]', randomblob(1048576))",
        );
        db.transaction(() => {
          for (let i = 1; i <= 48; i++) array.run(shot.run(i, '{}').lastInsertRowid);
        })();
      });
      const partial = (name: string) =>
        name.startsWith(`${basename(file)}.bak-v1.partial-`) && /partial-\d+$/.test(name);
      const partialOrJournal = (name: string) =>
        name.startsWith(`${basename(file)}.bak-v1.partial-`);
      const child = spawn(process.execPath, [fixture, file], { stdio: 'ignore' });
      const exited = once(child, 'exit');
      let sawPartial = false;
      let ended = false;
      void exited.then(() => (ended = true));
      while (!ended) {
        if (readdirSync(dirname(file)).some(partial)) {
          sawPartial = child.kill('SIGKILL');
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await exited;
      // Killed or not, whatever has the backup's name is a whole copy.
      if (existsSync(`${file}.bak-v1`)) {
        withRawConnection(`${file}.bak-v1`, (db) => {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(db.prepare('SELECT count(*) FROM shot_array_data').pluck().get()).toBe(49);
        });
        continue;
      }
      if (!sawPartial) continue;
      killedDuringBackup += 1;
      const leftover = readdirSync(dirname(file)).filter(partial);
      expect(leftover).toHaveLength(1);
      // The database itself is untouched, still at version 1.
      withRawConnection(file, (db) => {
        expect(db.pragma('user_version', { simple: true })).toBe(1);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      });
      // The next open removes the abandoned partial copy, backs up again and migrates.
      const storage = await openSqliteStorage(file);
      await storage.close();
      expect(storage.migration).toMatchObject({ from: 1, backup: `${file}.bak-v1` });
      expect(readdirSync(dirname(file)).filter(partialOrJournal)).toEqual([]);
      expect(statSync(`${file}.bak-v1`).size).toBeGreaterThan(48 * 2 ** 20);
      withRawConnection(`${file}.bak-v1`, (db) => {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('user_version', { simple: true })).toBe(1);
        expect(db.prepare('SELECT count(*) FROM shot_array_data').pluck().get()).toBe(49);
      });
    }
    expect(killedDuringBackup, 'no kill landed while the backup was being written').toBe(1);
  }, 180_000);

  it('refuses to migrate an older database when migrations are off, changing nothing', async () => {
    const file = files.next('no-migrate');
    makeVersion1Database(file);
    const open = openSqliteStorage(file, { migrate: false });
    await expect(open).rejects.toBeInstanceOf(StorageSchemaError);
    await expect(open).rejects.toThrow(
      `schema version 1, older than version ${SQLITE_SCHEMA_VERSION}`,
    );
    withRawConnection(file, (db) => expect(db.pragma('user_version', { simple: true })).toBe(1));
    expect(existsSync(`${file}.bak-v1`)).toBe(false);
  });

  it('refuses a newer database, naming both versions', async () => {
    const file = files.next('newer');
    await (await openSqliteStorage(file)).close();
    withRawConnection(file, (db) => db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 5}`));
    const open = openSqliteStorage(file);
    await expect(open).rejects.toBeInstanceOf(StorageSchemaError);
    await expect(open).rejects.toThrow(
      `has schema version ${SQLITE_SCHEMA_VERSION + 5}, newer than version ${SQLITE_SCHEMA_VERSION}`,
    );
    withRawConnection(file, (db) =>
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_SCHEMA_VERSION + 5),
    );
  });

  it('refuses a SQLite file that is not a shotline database', async () => {
    const file = files.next('foreign');
    withRawConnection(file, (db) => db.exec('CREATE TABLE notes (text TEXT)'));
    await expect(openSqliteStorage(file)).rejects.toThrow(/is not a shotline database/);
    const other = files.next('other-app');
    withRawConnection(other, (db) => db.pragma('application_id = 1234'));
    await expect(openSqliteStorage(other)).rejects.toBeInstanceOf(StorageSchemaError);
  });

  it('lets two storages open one new file together', async () => {
    const file = files.next('together');
    const [a, b] = await Promise.all([openSqliteStorage(file), openSqliteStorage(file)]);
    (await a.createPath(SequencePath.parse('\\x'))).unwrap();
    expect(await b.pathExists(SequencePath.parse('\\x'))).toBe(true);
    await a.close();
    await b.close();
  });
});
