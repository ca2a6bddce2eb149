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
    return await body(lab);
  } finally {
    await lab.close();
  }
}
