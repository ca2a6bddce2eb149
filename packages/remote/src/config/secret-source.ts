import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { RemoteConfigurationError } from '../remote-errors.js';

/**
 * Where a secret comes from: a file (relative to the configuration file) or an environment
 * variable. Never the configuration file itself, so it can be shared and versioned.
 */
export const secretSourceSchema = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z
    .object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') })
    .strict(),
]);

/** A secret's source, as validated by {@link secretSourceSchema}. */
export type SecretSource = z.infer<typeof secretSourceSchema>;

/** Resolves a file path of a configuration (relative paths are relative to `baseDir`). */
export function configPath(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Reads a file named by a configuration; the error names the file and the setting. */
export function readConfigFile(path: string, baseDir: string, setting: string): Buffer {
  const full = configPath(path, baseDir);
  try {
    return readFileSync(full);
  } catch (e) {
    throw new RemoteConfigurationError(
      `${setting}: cannot read ${full} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      { location: { file: full } },
    );
  }
}

/** Reads a secret (whitespace around it removed); the error names the file or variable. */
export function readSecret(
  source: SecretSource,
  baseDir: string,
  setting: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const value =
    'file' in source
      ? readConfigFile(source.file, baseDir, setting).toString('utf8').trim()
      : (env[source.env] ?? '').trim();
  if (value === '') {
    throw new RemoteConfigurationError(
      'file' in source
        ? `${setting}: the file ${configPath(source.file, baseDir)} is empty`
        : `${setting}: the environment variable ${source.env} is not set`,
    );
  }
  return value;
}
