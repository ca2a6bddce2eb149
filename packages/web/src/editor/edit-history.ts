/** Undo and redo over whole states (the editor's states are small, immutable JSON). */
export interface EditHistory<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/** A history holding only `state`. */
export function startHistory<T>(state: T): EditHistory<T> {
  return { past: [], present: state, future: [] };
}

/** A new state (clears what could be redone); at most `limit` states are kept to undo. */
export function pushState<T>(history: EditHistory<T>, state: T, limit = 200): EditHistory<T> {
  if (state === history.present) return history;
  return { past: [...history.past, history.present].slice(-limit), present: state, future: [] };
}

/** The state before (unchanged when there is none). */
export function undo<T>(history: EditHistory<T>): EditHistory<T> {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return {
    past: history.past.slice(0, -1),
    present: previous,
    future: [history.present, ...history.future],
  };
}

/** The state undone last (unchanged when there is none). */
export function redo<T>(history: EditHistory<T>): EditHistory<T> {
  const [next, ...future] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future };
}
