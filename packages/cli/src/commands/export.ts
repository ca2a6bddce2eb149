import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ShotTable } from '@shotline/core';
import type { LabClient } from '@shotline/server/client';
import { withLab, type CommandContext } from '../command-context.js';
import { labServerFor } from '../client/lab-server-access.js';
import type { Lab } from '../lab/lab.js';
import { ExportError } from '../cli-errors.js';
import { toCsv } from '../export/csv-export.js';
import { shotColumns } from '../export/shot-columns.js';
import { displayPath } from '../input/source-document.js';
import { parseSequencePathArgument } from '../input/sequence-path-arg.js';

/** Reads the shot table from the lab's server when one runs, else from the lab, then uses it. */
async function withLabOrServer(
  context: CommandContext,
  server: LabClient | undefined,
  local: (lab: Lab) => Promise<ShotTable>,
  remote: (client: LabClient) => Promise<ShotTable>,
  use: (table: ShotTable) => Promise<void>,
): Promise<void> {
  if (server) return use(await remote(server));
  await withLab(context, async (lab) => use(await local(lab)), { plugins: false });
}

/** Export formats. */
export const EXPORT_FORMATS = ['csv', 'arrow'] as const;

/** Writes a file atomically: a temporary file in the same folder, then a rename. */
async function writeAtomically(file: string, content: string | Uint8Array): Promise<void> {
  const temporary = join(dirname(file), `.${randomUUID()}.partial`);
  try {
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new ExportError(`cannot write ${displayPath(file)}: ${(e as Error).message}`, {
      cause: e,
      location: { file: displayPath(file) },
    });
  }
}

/**
 * `shotline export <path> --format csv|arrow [--out file]`: every shot of a sequence as a row,
 * parameters and scalar data as columns. Without `--out` the data goes to stdout.
 */
export async function exportCommand(
  context: CommandContext,
  pathText: string,
  options: { format?: string; out?: string },
): Promise<void> {
  const format = options.format ?? 'csv';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ExportError(`unknown format "${format}" (use ${EXPORT_FORMATS.join(' or ')})`);
  }
  const path = parseSequencePathArgument(pathText);
  const server = await labServerFor(context);
  await withLabOrServer(
    context,
    server,
    async (lab) => (await lab.storage.readShotTable(path)).unwrap(),
    (client) => client.shotTable(path.toString()),
    async (table) => {
      const columns = shotColumns(table);
      // apache-arrow is loaded only for Arrow exports.
      const content =
        format === 'csv'
          ? toCsv(columns)
          : (await import('../export/arrow-export.js')).toArrowIpc(columns);
      const rows = table.index.length;
      if (options.out === undefined) {
        if (format === 'arrow' && context.output.streams.stdout.isTTY) {
          throw new ExportError('Arrow data is binary: give --out <file> or redirect stdout');
        }
        context.output.streams.stdout.write(content);
        return;
      }
      const file = resolve(options.out);
      await writeAtomically(file, content);
      context.output.result(
        { path: path.toString(), format, file, rows, columns: columns.map((c) => c.name) },
        () => `wrote ${rows} shot(s) × ${columns.length} column(s) to ${displayPath(file)}`,
      );
    },
  );
}
