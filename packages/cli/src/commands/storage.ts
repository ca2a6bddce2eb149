import cliProgress from 'cli-progress';
import { withLab, type CommandContext } from '../command-context.js';
import { checkStorage } from '../storage-check/storage-check.js';

/**
 * `shotline storage check`: verifies every stored array (and, for SQLite, the database and every
 * chunk file reference and checksum), printing each damaged one with its sequence, shot and label.
 * Exits 1 when something is wrong.
 */
export async function storageCheckCommand(context: CommandContext): Promise<void> {
  await withLab(
    context,
    async (lab) => {
      const output = context.output;
      const bar = output.interactive
        ? new cliProgress.SingleBar(
            {
              stream: output.streams.stderr,
              format: 'checking {bar} {value}/{total}',
              clearOnComplete: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const report = await checkStorage(lab.storage, (done, total) => {
        if (!started) bar?.start(total, 0);
        started = true;
        bar?.update(done);
      });
      bar?.stop();
      if (!report.ok) context.exitCode = 1;
      output.result(report, () => {
        const lines: string[] = [];
        const { removedFiles, trimmedFiles } = report.cleanedUp;
        if (removedFiles.length + trimmedFiles.length > 0) {
          lines.push(
            `cleaned up on opening: ${removedFiles.length} unreferenced chunk file(s) removed, ${trimmedFiles.length} cut back to their last committed array`,
          );
        }
        for (const problem of report.problems) lines.push(`damaged: ${problem.message}`);
        const chunked =
          report.chunkedArrays > 0
            ? ` (${report.chunkedArrays} in chunk files, ${(report.chunkBytes / 2 ** 20).toFixed(1)} MiB read back and checksummed)`
            : '';
        lines.push(
          report.ok
            ? `${report.location}: no problem found in ${report.arrays} array(s)${chunked}`
            : `${report.location}: ${report.problems.length} problem(s) in ${report.arrays} array(s)${chunked}`,
        );
        if (report.unreferencedChunkFiles.length > 0) {
          lines.push(
            `${report.unreferencedChunkFiles.length} chunk file(s) hold no committed array (their writer is still open, or they go at the next open)`,
          );
        }
        return lines;
      });
    },
    { plugins: false },
  );
}
