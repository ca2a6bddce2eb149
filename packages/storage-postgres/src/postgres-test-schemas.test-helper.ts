import pg from 'pg';
import type { SequencePath, SessionStorage } from '@shotline/core';
import type { PostgresSessionStorage } from './postgres-session-storage.js';

/** The test server's URL, or undefined (the PostgreSQL tests then skip and say why). */
export const PG_URL = process.env.SHOTLINE_PG_URL;

/** Why the PostgreSQL tests skip, or undefined when they run. */
export const PG_SKIP_REASON =
  PG_URL === undefined
    ? 'SHOTLINE_PG_URL is not set (start a server with `node tools/ci/postgres.mjs start`)'
    : undefined;

/**
 * Fresh PostgreSQL schemas for one spec file: every `next()` is a new, empty schema name, and
 * `dispose()` drops them all. Each test thus runs in its own namespace of the real server.
 */
export function temporarySchemas(prefix: string) {
  const run = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  const used: string[] = [];
  return {
    next(): string {
      const schema = `t_${run}_${n++}`;
      used.push(schema);
      return schema;
    },
    async dispose(): Promise<void> {
      if (PG_URL === undefined || used.length === 0) return;
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        for (const schema of used.splice(0)) {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs SQL on a schema through a separate connection (to corrupt or inspect stored rows). */
export async function withSchemaClient<T>(
  schema: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Overwrites the stored parameters of one shot with JSON that is not an object. */
export async function corruptShotParameters(
  storage: SessionStorage,
  path: SequencePath,
  index: number,
): Promise<void> {
  await withSchemaClient((storage as PostgresSessionStorage).schema, (client) =>
    client.query(
      `UPDATE shots SET parameters = '[1, 2]' WHERE idx = $1 AND sequence_id =
         (SELECT s.id FROM sequences s JOIN paths p ON p.id = s.path_id WHERE p.path = $2)`,
      [index, path.toString()],
    ),
  );
}
