import { hostname, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SequencePath } from '@shotline/core';
import { labServerFor } from '../client/lab-server-access.js';
import { withLab, type CommandContext } from '../command-context.js';
import { parseSequencePathArgument } from '../input/sequence-path-arg.js';

/** How long `seq pause` waits between two looks at the sequence's state. */
const PAUSE_POLL_MS = 100;

/** `shotline seq pause (alice@lab-pc)`: who asked, as recorded on the sequence. */
function requester(command: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No user name (a container without a passwd entry): the host is enough.
  }
  return `${command} (${user}@${hostname()})`;
}

/**
 * `shotline seq pause <path>`: asks the process that runs the sequence (here or on another PC
 * sharing the storage, or the lab's server) to pause at the next shot boundary, and waits until
 * it is PAUSED (or ended). The running shot finishes and is stored; its devices stay open.
 */
export async function seqPauseCommand(context: CommandContext, pathText: string): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  const server = await labServerFor(context);
  if (server) {
    const answer = await server.pauseSequence(path.toString());
    context.output.result(answer, () => pausedText(path, answer.state, answer.nextIndex));
    return;
  }
  await withLab(context, async (lab) => {
    await lab.session.requestPause(path, requester('shotline seq pause'));
    for (;;) {
      const state = await lab.session.state(path);
      if (state !== 'running' && state !== 'preparing') {
        let nextIndex: number | null = null;
        for (const e of await lab.session.events(path)) {
          if (e.kind === 'paused' && !('unknown' in e)) nextIndex = e.data.nextIndex;
        }
        if (state !== 'paused') nextIndex = null;
        context.output.result({ path: path.toString(), state, nextIndex }, () =>
          pausedText(path, state, nextIndex),
        );
        return;
      }
      await sleep(PAUSE_POLL_MS);
    }
  });
}

function pausedText(path: SequencePath, state: string, nextIndex: number | null): string {
  return state === 'paused'
    ? `${path.toString()} is PAUSED before shot ${nextIndex ?? '?'} (resume it with "shotline seq resume ${path.toString()}")`
    : `${path.toString()} ended ${state.toUpperCase()} before it paused`;
}

/**
 * `shotline seq resume <path> [--reload-globals]`: asks the process that runs a PAUSED sequence to
 * resume it at its next shot (once the suspenders still holding it have cleared).
 */
export async function seqResumeCommand(
  context: CommandContext,
  pathText: string,
  options: { reloadGlobals?: boolean },
): Promise<void> {
  const path = parseSequencePathArgument(pathText);
  const reloadGlobals = options.reloadGlobals === true;
  const server = await labServerFor(context);
  if (server) {
    await server.resumeSequence(path.toString(), { reloadGlobals });
  } else {
    await withLab(context, (lab) =>
      lab.session.requestResume(path, requester('shotline seq resume'), { reloadGlobals }),
    );
  }
  context.output.result(
    { path: path.toString(), resumeRequested: true, reloadGlobals },
    () =>
      `asked ${path.toString()} to resume${reloadGlobals ? " with the lab's current globals" : ''} (it resumes once no suspender holds it)`,
  );
}
