/**
 * What lane compilation knows besides the lane itself, for error messages: the lane's name and the
 * names of the steps. Errors then read `lane "mot", block 2, step load, expression "..."`.
 */
export interface LaneCompilationContext {
  /** Name of the lane in the time lanes. */
  readonly laneName?: string;
  /** Names of the steps (`TimeLanes.stepNames`). */
  readonly stepNames?: readonly string[];
}
