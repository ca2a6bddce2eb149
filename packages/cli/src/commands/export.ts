import { resolve } from 'node:path';
import { withLab, type CommandContext } from '../command-context.js';
import { labServerFor } from '../client/lab-server-access.js';
import { serverStoredShots } from '../client/server-stored-shots.js';
import { ExportError } from '../cli-errors.js';
import { exportSettings } from '../export/export-format.js';
import { type ExportSummary, exportSequence } from '../export/sequence-export.js';
import { displayPath } from '../input/source-document.js';
import { parseSequencePathArgument } from '../input/sequence-path-arg.js';

export { EXPORT_FORMATS } from '../export/export-format.js';

/** Options of `shotline export`. */
export interface ExportOptions {
  format?: string;
  arrays?: string;
  out?: string;
  force?: boolean;
  parquetArrays?: string;
}

/**
 * `shotline export <path> --format csv|arrow|parquet|hdf5 [--arrays none|inline|files]
 * [--out file] [--force]`: every stored shot of a sequence as a row, parameters and scalar data as
 * columns, arrays (pictures, traces) inline or as .npy files. Without `--out` the data goes to
 * stdout (CSV, Arrow, Parquet).
 */
export async function exportCommand(
  context: CommandContext,
  pathText: string,
  options: ExportOptions,
): Promise<void> {
  const settings = exportSettings(options);
  const path = parseSequencePathArgument(pathText);
  const stdout = context.output.streams.stdout;
  if (options.out === undefined && settings.format !== 'csv' && stdout.isTTY) {
    throw new ExportError(
      `${settings.format} data is binary: give --out <file> or redirect stdout`,
    );
  }
  const destination =
    options.out === undefined
      ? { stream: stdout }
      : { file: resolve(options.out), force: options.force === true };
  const report = (summary: ExportSummary): void => {
    if (summary.file === null) return;
    context.output.result(summary, () => {
      const arrays =
        summary.arrayColumns.length > 0
          ? ` and ${summary.arrayColumns.length} array column(s) (${(summary.arrayBytes / 2 ** 20).toFixed(1)} MiB)`
          : summary.arraysFolder !== null
            ? `, arrays as .npy files in ${displayPath(summary.arraysFolder)}`
            : '';
      return `wrote ${summary.rows} shot(s) × ${summary.columns.length} column(s)${arrays} to ${displayPath(summary.file!)} in ${summary.seconds.toFixed(1)} s`;
    });
  };
  // While a server owns the lab, the shots are read through it (each array as a binary frame).
  const server = await labServerFor(context);
  if (server) {
    report(
      await exportSequence(serverStoredShots(server), path, settings, destination, context.output),
    );
    return;
  }
  await withLab(
    context,
    async (lab) =>
      report(await exportSequence(lab.storage, path, settings, destination, context.output)),
    { plugins: false },
  );
}
