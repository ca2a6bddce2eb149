import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDatabases, withRawConnection } from '../sqlite-test-files.test-helper.js';
import { WalIndex, walFrameBytes } from './wal-index.js';

const files = temporaryDatabases('wal-index');
afterAll(() => files.dispose());

describe('WalIndex', () => {
  it('reads the frames in the WAL and the frames copied into the database, as SQLite counts them', () => {
    const file = files.next();
    withRawConnection(file, (writer) => {
      writer.pragma('page_size = 65536');
      writer.pragma('journal_mode = WAL');
      writer.pragma('wal_autocheckpoint = 0');
      writer.exec('CREATE TABLE t (b BLOB)');
      const index = new WalIndex(file);
      try {
        for (let i = 0; i < 3; i++) {
          writer.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(300_000, i));
        }
        const written = index.read()!;
        expect(written.pageSize).toBe(65536);
        expect(written.backfilled).toBe(0);
        expect(written.frames).toBeGreaterThanOrEqual(3 * 5);

        const [result] = withRawConnection(
          file,
          (other) => other.pragma('wal_checkpoint(PASSIVE)') as unknown[],
        );
        expect(result).toEqual({ busy: 0, log: written.frames, checkpointed: written.frames });
        expect(index.read()).toEqual({ ...written, backfilled: written.frames });

        // Everything was copied: the next write starts the WAL again from its beginning.
        writer.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(10));
        const restarted = index.read()!;
        expect(restarted.frames).toBeLessThan(written.frames);
        expect(restarted.backfilled).toBe(0);
      } finally {
        index.close();
      }
    });
  });

  it('reads nothing when the database has no WAL index', () => {
    const index = new WalIndex(files.next('missing'));
    expect(index.read()).toBeUndefined();
    index.close();
  });

  it('sizes a frame as a page and its 24-byte header', () => {
    expect(walFrameBytes(65536)).toBe(65560);
  });
});
