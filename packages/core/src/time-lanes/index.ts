// Placeholder until the core-model work lands: the real TimeLane and TimeLanes replace these.
/** @internal placeholder */
export interface TimeLane {
  readonly type: string;
}
/** @internal placeholder */
export interface TimeLanes {
  readonly stepNames: readonly string[];
}
