import { reportRecoveredRuns, type CommandContext } from '../command-context.js';
import { parseSequencePathArgument } from '../input/sequence-path-arg.js';
import { Lab, locateLab } from '../lab/lab.js';
import type { SequencePath } from '@shotline/core';
import { labServerFor } from '../client/lab-server-access.js';
import { runThroughServer } from '../client/remote-run.js';
import { formatBytes, runSequence, storageBytes, type RunSummary } from '../run/run-sequence.js';

async function runLocallyOrThroughServer(
  context: CommandContext,
  path: SequencePath,
  options: RunCommandOptions,
): Promise<RunSummary> {
  // A server owns the lab: submit to its queue and follow the run.
  const server = await labServerFor(context);
  if (server) return runThroughServer(server, path, context.output, options);
  const lab = await Lab.open(locateLab(context.labOption), { writer: 'worker' });
  let ran;
  try {
    reportRecoveredRuns(context, lab);
    ran = await runSequence(lab, path, context.output, {
      ...(options.reset ? { reset: true } : {}),
      ...(options.continue !== undefined ? { continue: options.continue } : {}),
    });
  } finally {
    await lab.close();
  }
  // Measured once the storage is closed: its write-ahead log is then folded into the file.
  return { ...ran, dataBytes: storageBytes(lab.storageTarget) };
}

/** The exit code of a run interrupted with Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Options of `shotline run`. */
export interface RunCommandOptions {
  readonly reset?: boolean;
  /** `--continue [reason]`: continue an INTERRUPTED or CRASHED sequence. */
  readonly continue?: boolean | string;
}

/**
 * `shotline run <path> [--reset | --continue [reason]]`: runs a DRAFT sequence (or continues an
 * INTERRUPTED or CRASHED one) with a progress bar and prints a summary. Exit code 0 when FINISHED,
 * 130 when interrupted, 1 when it crashed (with the error).
 */
export async function runCommand(
  context: CommandContext,
  pathText: string,
  options: RunCommandOptions,
): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  const summary = await runLocallyOrThroughServer(context, path, options);
  if (summary.state === 'interrupted') context.exitCode = INTERRUPTED_EXIT_CODE;
  context.output.result(summary, () => [
    `${summary.state.toUpperCase()}: ${summary.shots}/${summary.expectedShots ?? '?'} shots in ${summary.seconds.toFixed(1)} s (${summary.rate.toFixed(1)} shots/s)`,
    `data: ${summary.storage}${summary.dataBytes !== null ? ` (${formatBytes(summary.dataBytes)})` : ''}`,
  ]);
}
