/**
 * The names of a {@link Parameters} and their slots, shared by all parameter sets with the same
 * names in the same order (like a hidden class). Adding a name goes through a memoised transition,
 * so a scan that sets the same variables for every shot allocates no new index.
 */
export class ParameterIndex {
  /** The index of no names. */
  static readonly empty: ParameterIndex = new ParameterIndex([]);

  readonly names: readonly string[];
  readonly slots: ReadonlyMap<string, number>;
  private readonly transitions = new Map<string, ParameterIndex>();

  private constructor(names: readonly string[]) {
    this.names = names;
    this.slots = new Map(names.map((n, i) => [n, i]));
  }

  /** The index with `name` appended. */
  extend(name: string): ParameterIndex {
    let next = this.transitions.get(name);
    if (next === undefined) {
      next = new ParameterIndex([...this.names, name]);
      // Bounded, so that unusual workloads cannot grow the memo without limit.
      if (this.transitions.size < 256) this.transitions.set(name, next);
    }
    return next;
  }

  /** An index of arbitrary names (not memoised). */
  static of(names: readonly string[]): ParameterIndex {
    let index = ParameterIndex.empty;
    for (const n of names) index = index.extend(n);
    return index;
  }
}
