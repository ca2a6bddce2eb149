import { remoteServersConfigSchema } from '@shotline/remote';
import { suspenderSpecsSchema } from '@shotline/core';
import { z } from 'zod';

/** The file name of a lab configuration, at the top of the lab folder. */
export const LAB_CONFIG_FILE = 'shotline.yaml';

/** The storage of a new lab: an SQLite file next to the configuration. */
export const DEFAULT_STORAGE_URL = 'sqlite:shotline.sqlite';

const packageName = z
  .string()
  .regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i, 'expected an npm package name');

/**
 * zod schema of a lab configuration file (`shotline.yaml`):
 *
 * ```yaml
 * version: 1
 * storage: sqlite:shotline.sqlite        # or postgres://user@host:5432/db?schema=lab
 * plugins:                               # optional
 *   allow: ['@shotline/camera']          # load only these plugin packages
 *   packages: ['@lab/laser']             # use exactly these packages instead of scanning
 *   root: ..                             # the folder whose node_modules holds them
 * managerId: lab-pc-1                    # optional: recorded on the sequences this PC runs
 * pipeline: { compileWorkers: 2, lookAhead: 8, shotTimeoutMs: 5000 }   # optional
 * servers:                               # optional: device servers (docs/remote-devices.md)
 *   camera-pc: { address: camera-pc:7300, ca: certs/ca.crt, token: { env: CAMERA_PC_TOKEN } }
 * suspenders:                            # optional: watched during every sequence of the lab
 *   - name: cooler lock
 *     watch: { data: 'lockmon\error' }
 *     okWhen: { between: ['-0.2 V', '0.2 V'] }
 *     hold: 2 s
 * ```
 */
export const labConfigSchema = z
  .object({
    /** Format version of this file. */
    version: z.literal(1),
    /**
     * Where sequences, shots, globals and device configurations live: `sqlite:<file>` (relative to
     * this file) or a `postgres://` URL. `${NAME}` is replaced by the environment variable NAME, so
     * a password never has to be written here.
     */
    storage: z.string().min(1).default(DEFAULT_STORAGE_URL),
    plugins: z
      .object({
        allow: z.array(packageName).optional(),
        packages: z.array(packageName).optional(),
        root: z.string().min(1).optional(),
      })
      .strict()
      .default({}),
    managerId: z
      .string()
      .regex(/^[^:\s]+$/, 'a manager id has no ":" and no spaces')
      .optional(),
    pipeline: z
      .object({
        compileWorkers: z.int().min(0).max(64).optional(),
        lookAhead: z.int().min(1).optional(),
        storageBuffer: z.int().min(1).optional(),
        storageBatch: z.int().min(1).optional(),
        shotTimeoutMs: z.number().positive().optional(),
      })
      .strict()
      .default({}),
    /**
     * Device servers by name (`camera-pc`): address, trusted CA, token (from a file or the
     * environment, never written here) and optional client certificate. A device runs on one when
     * its type is `shotline.remote` with `server: <name>` (see docs/remote-devices.md).
     */
    servers: remoteServersConfigSchema.optional(),
    /**
     * The lab's suspenders (core's `suspenderSpecSchema`): watched during every sequence this lab
     * runs, besides each sequence's own; a run pauses when one trips.
     */
    suspenders: suspenderSpecsSchema.default([]),
  })
  .strict();

/** A lab configuration, as validated by {@link labConfigSchema}. */
export type LabConfig = z.infer<typeof labConfigSchema>;

/** The text of a new lab configuration file, commented so it documents itself. */
export function labConfigText(options: {
  storage?: string;
  allow?: readonly string[];
  pipeline?: LabConfig['pipeline'];
}): string {
  const lines = [
    '# shotline lab configuration (format: see the README of @shotline/cli)',
    'version: 1',
    '',
    '# Where sequences, shots, globals and device configurations are stored:',
    '#   sqlite:<file>    an SQLite file, relative to this folder (the default)',
    '#   postgres://user@host:5432/database?schema=lab   a database several PCs share;',
    '#   ${NAME} is replaced by the environment variable NAME (keep passwords out of this file,',
    '#   or use PGPASSWORD / ~/.pgpass).',
    `storage: ${JSON.stringify(options.storage ?? DEFAULT_STORAGE_URL)}`,
    '',
    '# Device plugins: every installed package with a "shotline" marker is loaded, unless',
    '# `allow` lists the packages to load. `root` is the folder whose node_modules is searched',
    '# (default: this folder or its nearest parent where @shotline/core is installed).',
  ];
  if (options.allow && options.allow.length > 0) {
    lines.push('plugins:', `  allow: ${JSON.stringify(options.allow)}`);
  } else {
    lines.push('plugins: {}', "#  allow: ['@shotline/camera', '@shotline/sequencer']");
  }
  lines.push(
    '',
    '# A stable name for this PC, recorded on the sequences it runs (default: random per run).',
    '# managerId: lab-pc-1',
  );
  if (options.pipeline && Object.keys(options.pipeline).length > 0) {
    lines.push(
      '',
      '# How shots are compiled, run and stored.',
      `pipeline: ${JSON.stringify(options.pipeline)}`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
