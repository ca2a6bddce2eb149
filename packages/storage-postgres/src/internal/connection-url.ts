import { ContractViolationError } from '@shotline/core';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Checks a PostgreSQL schema name (letters, digits, underscore; so it needs no quoting rules). */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new ContractViolationError(
      `invalid PostgreSQL schema name "${schema}": use letters, digits and underscores`,
    );
  }
  return schema;
}

/**
 * The connection URL without secrets, for messages: `postgres://user@host:port/database` plus the
 * schema. The password and every query parameter but `host` are left out.
 */
export function describeConnection(url: string, schema: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `postgres (unparsable URL), schema ${schema}`;
  }
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  const socket = parsed.searchParams.get('host');
  const host = parsed.host || (socket ? `[${socket}]` : 'localhost');
  return `${parsed.protocol}//${user}${host}${parsed.pathname}#schema=${schema}`;
}
