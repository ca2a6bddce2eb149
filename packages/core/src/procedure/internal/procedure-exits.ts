import type { SequencePathLike } from '../../session/index.js';
import type { StartSequenceOptions } from '../procedure.js';

/** The primitives the shared exit rules of a procedure work on (local or remote). */
interface ProcedurePrimitives {
  activate(): Promise<unknown>;
  deactivate(): Promise<void>;
  interruptSequence(): boolean;
  exception(): Promise<Error | undefined>;
  startSequence(sequence: SequencePathLike, options?: StartSequenceOptions): void;
}

/**
 * The callback form, as the seed's `with` block: activates, runs `body`, and leaves, after waiting
 * for a sequence still running when `body` returns, or after interrupting it (then waiting) when
 * `body` throws (the error is re-thrown). One rule for the local and the remote procedure.
 */
export async function runInProcedure<P extends ProcedurePrimitives, T>(
  procedure: P,
  body: (procedure: P) => Promise<T>,
): Promise<T> {
  await procedure.activate();
  let result: T;
  try {
    result = await body(procedure);
  } catch (e) {
    procedure.interruptSequence();
    await procedure.deactivate();
    throw e;
  }
  await procedure.deactivate();
  return result;
}

/**
 * `await using`: the seed's normal exit, waiting for a sequence still running, then deactivating.
 * A disposer is never told whether its block threw, so it cannot interrupt on an error (the caller
 * interrupts in a `catch`, or uses {@link runInProcedure}, which does).
 */
export async function disposeProcedure(procedure: ProcedurePrimitives): Promise<void> {
  await procedure.deactivate();
}

/** Starts a sequence and waits until it ends; rejects with its error. */
export async function runSequenceToEnd(
  procedure: ProcedurePrimitives,
  sequence: SequencePathLike,
  options: StartSequenceOptions,
): Promise<void> {
  procedure.startSequence(sequence, options);
  const error = await procedure.exception();
  if (error) throw error;
}
