import { isAbsolute, join } from 'node:path';
import type { SessionStorage } from '@shotline/core';
import { LabConfigError } from '../cli-errors.js';

/** Where a lab stores its data, decoded from the configuration's `storage` URL. */
export type StorageTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

/** Replaces `${NAME}` by the environment variable NAME; a missing variable is an error. */
function expandEnvironment(text: string, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = process.env[name];
    if (value === undefined) {
      throw new LabConfigError(`storage: the environment variable ${name} is not set`, {
        location: { file: where },
      });
    }
    return value;
  });
}

/**
 * Decodes a storage URL: `sqlite:<file>` (relative to the lab folder), or
 * `postgres://...` / `postgresql://...` with an optional `schema` query parameter.
 */
export function parseStorageUrl(url: string, labDir: string, where: string): StorageTarget {
  const expanded = expandEnvironment(url, where);
  if (expanded.startsWith('sqlite:')) {
    const file = expanded.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '' || file === ':memory:') {
      throw new LabConfigError(
        'storage: an SQLite storage needs a file name, e.g. "sqlite:shotline.sqlite"',
        { location: { file: where } },
      );
    }
    return { kind: 'sqlite', file: isAbsolute(file) ? file : join(labDir, file) };
  }
  if (/^postgres(ql)?:\/\//.test(expanded)) {
    let parsed: URL;
    try {
      parsed = new URL(expanded);
    } catch {
      throw new LabConfigError('storage: not a valid postgres:// URL', {
        location: { file: where },
      });
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    return { kind: 'postgres', url: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new LabConfigError(
    `storage: unknown storage "${url.split(':')[0] ?? url}:" (use "sqlite:<file>" or "postgres://...")`,
    { location: { file: where } },
  );
}

/** Options of {@link openStorage}. */
export interface OpenStorageOptions {
  /**
   * SQLite: write from a worker thread (`worker`, for runs: commits never block the shots) or on
   * the calling thread (`inline`, default: quicker to open for short commands).
   */
  readonly writer?: 'worker' | 'inline';
}

/**
 * Opens the storage a target describes (the SQLite file is created when missing). The backend's
 * package is loaded only when used.
 */
export async function openStorage(
  target: StorageTarget,
  options: OpenStorageOptions = {},
): Promise<SessionStorage> {
  if (target.kind === 'sqlite') {
    const { openSqliteStorage } = await import('@shotline/storage-sqlite');
    return openSqliteStorage(target.file, { writer: options.writer ?? 'inline' });
  }
  const { openPostgresStorage } = await import('@shotline/storage-postgres');
  return openPostgresStorage(target.url, target.schema ? { schema: target.schema } : {});
}
