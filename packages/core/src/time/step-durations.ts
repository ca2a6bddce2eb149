import {
  DimensionalityError,
  InvalidTypeError,
  InvalidValueError,
  ShotlineError,
  withContext,
} from '../errors/index.js';
import type { Parameters } from '../parameters/parameters.js';
import { formatParameterValue } from '../parameters/parameter-type.js';
import type { TimeLanes } from '../time-lanes/time-lanes.js';
import { timeLaneStepLabel } from '../time-lanes/time-lanes.js';
import { Quantity } from '../units/quantity.js';
import { Dimension } from '../units/dimension.js';
import { secondsToPicoseconds } from './picoseconds.js';

const TIME = Dimension.of('s');

/**
 * Evaluates the step durations of a time table with a shot's parameters, in integer picoseconds
 * (rounded to the nearest ps). Each must be a non-negative time; otherwise the error names the step
 * (0-based index and name) and the expression.
 */
export function evaluateStepDurations(timeLanes: TimeLanes, parameters: Parameters): number[] {
  return timeLanes.stepDurations.map((expression, i) => {
    const location = {
      step: timeLaneStepLabel(i, timeLanes.stepNames[i]!),
      expression: expression.source,
    };
    let value;
    try {
      value = expression.evaluate(parameters);
    } catch (e) {
      throw e instanceof ShotlineError ? e.addContext(location) : withContext(e, location);
    }
    if (!(value instanceof Quantity)) {
      throw new InvalidTypeError(
        `a duration must be a time such as "10 ms", not ${formatParameterValue(value)}`,
        {
          location,
        },
      );
    }
    if (!value.dimension.equals(TIME)) {
      throw new DimensionalityError(
        `a duration must be a time, not ${value.toString()} (${value.dimension.describe()})`,
        { location },
      );
    }
    const ps = secondsToPicoseconds(value.toBase());
    if (ps < 0) {
      throw new InvalidValueError(`a duration cannot be negative (${value.toString()})`, {
        location,
      });
    }
    return ps;
  });
}

/** Start time of each step and the end of the shot (n + 1 values, ps): `[0, d0, d0 + d1, ...]`. */
export function stepStartTimes(durations: readonly number[]): number[] {
  const out = [0];
  let t = 0;
  for (const d of durations) {
    t += d;
    if (!Number.isSafeInteger(t))
      throw new InvalidValueError('the shot is too long for picosecond times');
    out.push(t);
  }
  return out;
}
