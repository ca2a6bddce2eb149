import { TimeLanes, type TimeLane } from '@shotline/core';

/**
 * Time lanes with one step per duration (expressions such as `10 ms` or `t_load + 1 us`), named
 * `step 0`, `step 1`..., and the given lanes; with no arguments, a sequence with no steps and no lanes.
 */
export function stepTimeLanes(
  durations: readonly string[] = [],
  lanes: Readonly<Record<string, TimeLane>> = {},
): TimeLanes {
  return new TimeLanes({
    stepNames: durations.map((_, i) => `step ${i}`),
    stepDurations: durations,
    lanes,
  });
}
