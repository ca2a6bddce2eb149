// Placeholder until the core-model work lands: the real Parameters and ParameterSchema replace these.
/** @internal placeholder */
export interface Parameters {
  readonly size: number;
}
/** @internal placeholder */
export interface ParameterSchema {
  readonly placeholder?: true;
}
