import { isDeepStrictEqual } from 'node:util';
import { IterationConfiguration } from '../../iteration/index.js';
import { ParameterNamespace } from '../../parameters/index.js';
import type { SequencePath } from '../../path/index.js';
import { type SequenceState, isContinuable } from '../../sequence/index.js';
import {
  type ExperimentSession,
  type RunPlan,
  StoredShotsMismatchError,
  WrongSequenceStateError,
  storedDeviceConfiguration,
} from '../../session/index.js';
import type { ErrorSummary } from '../../errors/index.js';
import type { JsonValue } from '../../storage/index.js';

/** What continuing an INTERRUPTED or CRASHED sequence starts from. */
export interface ContinuationPlan {
  /** The run, with the snapshots of the sequence (the globals in effect when it stopped). */
  readonly plan: RunPlan;
  readonly previousState: SequenceState;
  readonly previousError: ErrorSummary | null;
  /** The indices already stored (not run again). */
  readonly stored: ReadonlySet<number>;
  /** The stored parameters of each stored shot, by index. */
  readonly storedParameters: ReadonlyMap<number, Record<string, JsonValue>>;
  /** From which index each globals snapshot applied (a resume may have reloaded them). */
  readonly globalsHistory: readonly { readonly fromIndex: number; readonly globals: JsonValue }[];
  /** The start time of the first run (kept). */
  readonly startTime: Date | null;
}

const HINTS: Partial<Record<SequenceState, string>> = {
  draft: 'it never ran: run it',
  finished: 'every shot already ran',
  preparing: 'it is running now',
  running: 'it is running now',
  paused: 'it is paused: resume it',
};

/**
 * Reads what a continuation of a sequence needs: it must be INTERRUPTED or CRASHED (else a
 * {@link WrongSequenceStateError} naming its state); its snapshots (globals, device
 * configurations, whose plugins must be loaded), its stored shots and parameters, and the globals
 * each part of the run used. Writes nothing.
 */
export async function planContinuation(
  session: ExperimentSession,
  path: SequencePath,
): Promise<ContinuationPlan> {
  const record = (await session.storage.getSequence(path)).unwrap();
  if (!isContinuable(record.state)) {
    throw new WrongSequenceStateError(
      'continue',
      path.toString(),
      record.state,
      ['interrupted', 'crashed'],
      HINTS[record.state],
    );
  }
  const configurations = (record.deviceConfigurations ?? []).map((c) =>
    storedDeviceConfiguration(session.registry, c),
  );
  const table = (await session.storage.readShotTable(path, { labels: [] })).unwrap();
  const storedParameters = new Map<number, Record<string, JsonValue>>();
  table.index.forEach((index, row) => {
    const parameters: Record<string, JsonValue> = {};
    for (const [name, column] of Object.entries(table.parameters)) {
      const value = column[row];
      if (value !== null && value !== undefined) parameters[name] = value;
    }
    storedParameters.set(index, parameters);
  });
  // Each reload of the globals on resume is an event: the globals before it applied before it.
  const history: { fromIndex: number; globals: JsonValue }[] = [];
  for (const event of await session.events(path)) {
    if (event.kind !== 'resumed') continue;
    const reloaded = (event.data as { reloadedGlobals?: { previous: unknown; globals: unknown } })
      .reloadedGlobals;
    if (!reloaded) continue;
    const fromIndex = (event.data as { nextIndex: number }).nextIndex;
    if (history.length === 0)
      history.push({ fromIndex: 0, globals: reloaded.previous as JsonValue });
    history.push({ fromIndex, globals: reloaded.globals as JsonValue });
  }
  if (history.length === 0) history.push({ fromIndex: 0, globals: record.globals ?? [] });
  return {
    plan: {
      path,
      globals: record.globals ?? [],
      iteration: record.iteration,
      timeLanes: record.timeLanes,
      deviceConfigurations: configurations,
      expectedShots: record.expectedShots,
      storedExpectedShots: record.expectedShots,
    },
    previousState: record.state,
    previousError: record.error,
    stored: new Set(table.index),
    storedParameters,
    globalsHistory: history,
    startTime: record.startTime,
  };
}

function formatJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'absent';
  if (typeof value === 'object' && value !== null && 'magnitude' in value && 'unit' in value) {
    const text = (v: JsonValue | undefined): string =>
      typeof v === 'string' ? v : JSON.stringify(v);
    return `${text(value.magnitude)} ${text(value.unit)}`;
  }
  return JSON.stringify(value);
}

/**
 * Walks the iteration again with the globals each part of the run used and checks every stored
 * shot against it: same index, same parameters. The first mismatch is refused with a
 * {@link StoredShotsMismatchError} naming the shot and the parameter: the sequence changed since
 * it ran (its iteration or globals), so its remaining shots would not belong with the stored ones.
 * Returns the first index not stored.
 */
export function verifyStoredShots(path: SequencePath, continuation: ContinuationPlan): number {
  const iteration = IterationConfiguration.fromJSON(continuation.plan.iteration);
  const history = continuation.globalsHistory;
  const remaining = new Set(continuation.stored);
  let firstMissing: number | undefined;
  let total = 0;
  history.forEach((segment, s) => {
    const until = history[s + 1]?.fromIndex ?? Infinity;
    const constants = ParameterNamespace.fromJSON(segment.globals).evaluate();
    let index = 0;
    for (const parameters of iteration.walk(constants)) {
      if (index >= until) break;
      if (index >= segment.fromIndex) {
        const stored = continuation.storedParameters.get(index);
        if (stored === undefined) firstMissing ??= index;
        else {
          remaining.delete(index);
          const walked = parameters.toJSON() as Record<string, JsonValue>;
          for (const name of new Set([...Object.keys(walked), ...Object.keys(stored)])) {
            if (!isDeepStrictEqual(walked[name], stored[name])) {
              throw new StoredShotsMismatchError(
                `sequence ${path.toString()} cannot be continued: stored shot ${index} has ${name} = ${formatJson(stored[name])}, but its iteration walked again gives ${formatJson(walked[name])}; it changed since it ran — reset it (erasing its shots) or duplicate it to run it again`,
                { location: { sequence: path.toString(), shot: index, parameter: name } },
              );
            }
          }
        }
      }
      index += 1;
    }
    total = Math.max(total, index);
  });
  const beyond = [...remaining].sort((a, b) => a - b)[0];
  if (beyond !== undefined) {
    throw new StoredShotsMismatchError(
      `sequence ${path.toString()} cannot be continued: shot ${beyond} is stored but its iteration walked again has only ${total} shots; it changed since it ran — reset it (erasing its shots) or duplicate it to run it again`,
      { location: { sequence: path.toString(), shot: beyond } },
    );
  }
  return firstMissing ?? total;
}
