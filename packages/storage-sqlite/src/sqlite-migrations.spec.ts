import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SequencePath, StorageSchemaError } from '@shotline/core';
import { afterAll, describe, expect, it } from 'vitest';
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
      (
        await storage.setPreparing(path, { globals: [], deviceConfigurations: [], owner: 'pc' })
      ).unwrap();
      expect((await storage.getSequence(path)).unwrap().owner).toBe('pc');
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
