import { ArangeLoop, ExecuteShot, IterationConfiguration, TimeLanes } from '@shotline/core';

/**
 * The definition of a sequence of `shots` shots counting `i` from 0, each one step (`run`) lasting
 * `stepMs`: what tests of the engine and of storages run on simulated devices.
 */
export function countingScan(
  shots: number,
  stepMs = 1,
): { iteration: IterationConfiguration; timeLanes: TimeLanes } {
  return {
    iteration: new IterationConfiguration([
      new ArangeLoop({
        variable: 'i',
        start: '0',
        stop: String(shots),
        step: '1',
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['run'], stepDurations: [`${stepMs} ms`] }),
  };
}
