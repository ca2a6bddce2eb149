import { EncodedSessionStorage } from '@shotline/core';
import { Lab, locateLab, type OpenLabOptions } from './lab/lab.js';
import type { Output } from './output/output.js';

/** What every command gets: the output (text or JSON) and the `--lab` option. */
export interface CommandContext {
  readonly output: Output;
  /** `--lab <folder|file>`, if given. */
  readonly labOption: string | undefined;
  /** `--server <url>`, if given: the lab server to go through (see client/lab-server-access.ts). */
  readonly serverOption?: string | undefined;
  /** Set by a command to choose the exit code (default 0). */
  exitCode: number;
}

/** Opens the lab of the command line, runs `body` with it and closes it whatever happens. */
export async function withLab<T>(
  context: CommandContext,
  body: (lab: Lab) => Promise<T>,
  options: OpenLabOptions = {},
): Promise<T> {
  const lab = await Lab.open(locateLab(context.labOption), options);
  try {
    reportRecoveredRuns(context, lab);
    return await body(lab);
  } finally {
    await lab.close();
  }
}

/**
 * Says which runs opening the lab found dead and marked CRASHED (a `kill -9`, a crash, a double
 * Ctrl-C), so that nobody wonders why a RUNNING sequence changed state.
 */
export function reportRecoveredRuns(context: CommandContext, lab: Lab): void {
  if (!(lab.storage instanceof EncodedSessionStorage)) return;
  for (const run of lab.storage.recoveredAtOpen) {
    context.output.notice(
      run.recovered
        ? `note: ${run.path.toString()} was ${run.state.toUpperCase()} but ${run.error.message}; it is now CRASHED`
        : `note: ${run.path.toString()} is ${run.state.toUpperCase()} but ${run.error.message}; it could not be marked CRASHED: ${run.failure?.message ?? ''}`,
    );
  }
}
