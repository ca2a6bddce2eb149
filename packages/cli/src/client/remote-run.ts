import { type SequencePath, errorClassesOf, errorFromWire } from '@shotline/core';
import * as core from '@shotline/core';
import type { LabClient } from '@shotline/server/client';
import type { Output } from '../output/output.js';
import { ProgressDisplay } from '../run/progress-display.js';
import type { RunSummary } from '../run/run-sequence.js';

/** Options of {@link runThroughServer}. */
export interface RemoteRunOptions {
  readonly reset?: boolean;
  /** Continue an INTERRUPTED or CRASHED sequence (a string: the reason recorded). */
  readonly continue?: boolean | string;
  /** Where Ctrl-C comes from (default: this process). */
  readonly interrupts?: NodeJS.EventEmitter;
  /** How often the run's state is polled, in ms. Default 200. */
  readonly pollMs?: number;
}

/**
 * `shotline run` when a server owns the lab: submits the sequence to the server's queue and follows
 * its events with the same progress display; Ctrl-C asks the server to interrupt the run (or cancels
 * it while it still waits in the queue); a second Ctrl-C quits at once (the run goes on).
 */
export async function runThroughServer(
  client: LabClient,
  path: SequencePath,
  output: Output,
  options: RemoteRunOptions = {},
): Promise<RunSummary> {
  const feed = await client.followEvents();
  const display = new ProgressDisplay(output, feed.events);
  const started = performance.now();
  let run = await client.submitRun(path.toString(), {
    ...(options.reset ? { reset: true } : {}),
    ...(options.continue !== undefined && options.continue !== false
      ? { continue: options.continue }
      : {}),
  });
  display.line(`queued ${run.sequence} on ${client.url} (run ${run.id})`);
  const interrupts = options.interrupts ?? process;
  let interrupted = 0;
  const onInterrupt = (): void => {
    interrupted += 1;
    if (interrupted > 1) process.exit(130);
    display.line(
      'interrupting: the running shot finishes, then the devices close (Ctrl-C again to quit at once; the server finishes the interruption)',
    );
    void (run.state === 'queued' ? client.cancelRun(run.id) : client.interruptRun(run.id)).catch(
      () => client.interruptRun(run.id).catch(() => undefined),
    );
  };
  interrupts.on('SIGINT', onInterrupt);
  try {
    while (run.state === 'queued' || run.state === 'running') {
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
      run = await client.queuedRun(run.id);
    }
  } finally {
    interrupts.off('SIGINT', onInterrupt);
    display.stop();
    feed.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const sequence = await client.sequence(path.toString());
  const running =
    sequence.startTime && sequence.stopTime
      ? (Date.parse(sequence.stopTime) - Date.parse(sequence.startTime)) / 1000
      : seconds;
  if (run.state === 'crashed' && run.error) {
    throw errorFromWire(run.error, errorClassesOf(core as unknown as Record<string, unknown>));
  }
  return {
    path: path.toString(),
    state:
      run.state === 'finished' ? 'finished' : run.state === 'crashed' ? 'crashed' : 'interrupted',
    shots: sequence.completedShots,
    expectedShots: sequence.expectedShots,
    seconds,
    rate: running > 0 ? sequence.completedShots / running : 0,
    storage: client.url,
    dataBytes: null,
  };
}
