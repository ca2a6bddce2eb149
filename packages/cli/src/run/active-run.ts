import { type ActiveRun, describeRunOwner } from '@shotline/core';

/** `RUNNING under shotline run \scan (host lab-pc, pid 4242) since …, last seen …`. */
export function describeActiveRun(run: ActiveRun): string {
  const who = run.owner ? ` under ${describeRunOwner(run.owner)}` : '';
  const since = run.since ? ` since ${run.since.toISOString()}` : '';
  const seen = run.lastSeen ? `, last seen ${run.lastSeen.toISOString()}` : '';
  return `${run.state.toUpperCase()}${who}${since}${seen}`;
}

/** How to stop a run, for messages: `interrupt it (Ctrl-C where it runs, or kill -INT …)`. */
export function howToStop(run: ActiveRun): string {
  return run.owner
    ? `interrupt it (Ctrl-C where it runs, or kill -INT ${run.owner.pid} on ${run.owner.host})`
    : 'interrupt it (Ctrl-C where it runs)';
}
