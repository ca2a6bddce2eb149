import type { Procedure } from '@shotline/core';
import { ShotlineError } from '@shotline/core';
import type { ProgressDisplay } from './progress-display.js';

/** What a key asks of a running sequence. */
export type RunKey = 'pause' | 'resume' | 'resume-reload' | 'interrupt';

/** A source of keys that steer a run (the terminal, or a test's stream). */
export interface RunKeys {
  /** Calls `onKey` for each key; returns the function that stops listening. */
  listen(onKey: (key: RunKey) => void): () => void;
}

/** The key pressed → what it asks (`p`, `r`, `g`, Ctrl-C); other keys are ignored. */
export function runKeyOf(text: string): RunKey | undefined {
  switch (text) {
    case 'p':
    case 'P':
      return 'pause';
    case 'r':
    case 'R':
      return 'resume';
    case 'g':
    case 'G':
      return 'resume-reload';
    case '\x03':
      return 'interrupt';
    default:
      return undefined;
  }
}

/** Keys read from a stream of characters (a terminal in raw mode, or a pipe in tests). */
export function streamKeys(stream: NodeJS.ReadableStream): RunKeys {
  return {
    listen(onKey) {
      const onData = (chunk: Buffer | string): void => {
        for (const char of chunk.toString()) {
          const key = runKeyOf(char);
          if (key) onKey(key);
        }
      };
      stream.on('data', onData);
      return () => stream.off('data', onData);
    },
  };
}

/**
 * The keys of this process's terminal: standard input in raw mode (so a key acts at once), or
 * undefined when standard input is not a terminal (a pipe, CI). In raw mode Ctrl-C arrives as a key,
 * not as SIGINT: it interrupts the run the same way.
 */
export function terminalKeys(): RunKeys | undefined {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  const keys = streamKeys(stdin);
  return {
    listen(onKey) {
      stdin.setRawMode(true);
      stdin.resume();
      const stop = keys.listen(onKey);
      return () => {
        stop();
        stdin.setRawMode(false);
        stdin.pause();
      };
    },
  };
}

/**
 * Pauses or resumes the procedure's running sequence for a key; a refusal (e.g. resume while it
 * runs) is shown as a line, the run goes on.
 */
export function steer(
  procedure: Procedure,
  display: ProgressDisplay,
  key: Exclude<RunKey, 'interrupt'>,
): void {
  const asked =
    key === 'pause'
      ? (display.line('pausing after the running shot (r resumes)'), procedure.pauseSequence())
      : procedure.resumeSequence({ reloadGlobals: key === 'resume-reload' });
  asked.catch((e: unknown) => {
    display.line(e instanceof ShotlineError ? e.message : String(e));
  });
}
