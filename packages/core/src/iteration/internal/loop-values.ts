import { DimensionalityError, InvalidTypeError, InvalidValueError } from '../../errors/index.js';
import type { Expression } from '../../expression/expression.js';
import { ParameterType, type ParameterValue } from '../../parameters/parameter-type.js';
import type { Parameters } from '../../parameters/parameters.js';
import { Quantity } from '../../units/quantity.js';
import type { Unit } from '../../units/unit.js';
import type { ArangeLoop, ZipColumn } from '../steps.js';

/** The values a loop variable takes, computed on demand. */
export interface LoopValues {
  readonly length: number;
  readonly type: ParameterType;
  at(i: number): ParameterValue;
}

/** Upper bound on the values of one loop, to refuse runaway aranges early. */
const MAX_VALUES = 1e9;

interface Bound {
  readonly expression: Expression;
  readonly value: number | Quantity;
  readonly isInt: boolean;
}

function evaluateBound(what: string, expression: Expression, p: Parameters): Bound {
  const { value, type } = expression.evaluateTyped(p);
  if (typeof value === 'boolean') {
    throw new InvalidTypeError(
      `the ${what} "${expression.source}" is a boolean; a loop needs numbers or quantities`,
      {
        location: { expression: expression.source },
      },
    );
  }
  return { expression, value, isInt: type.kind === 'int' };
}

function describeBound(b: Bound): string {
  const dimension = typeof b.value === 'number' ? 'dimensionless' : b.value.dimension.describe();
  return `"${b.expression.source}" (${dimension})`;
}

/** The magnitude of `b` in the unit of `first` (its SI value when `first` is a number). */
function inUnitOf(first: Bound, what: string, b: Bound, firstWhat = 'start'): number {
  const unit: Unit | undefined = typeof first.value === 'number' ? undefined : first.value.unit;
  const dim = typeof b.value === 'number' ? undefined : b.value.dimension;
  const firstDim = unit?.dimension;
  const same =
    (dim === undefined || dim.isDimensionless) &&
    (firstDim === undefined || firstDim.isDimensionless)
      ? true
      : dim !== undefined && firstDim !== undefined && dim.equals(firstDim);
  if (!same) {
    throw new DimensionalityError(
      `the ${firstWhat} ${describeBound(first)} and the ${what} ${describeBound(b)} have different dimensions`,
    );
  }
  const si = typeof b.value === 'number' ? b.value : b.value.toBase();
  return unit === undefined ? si : unit.fromBase(si);
}

function finite(what: string, x: number, e: Expression): number {
  if (!Number.isFinite(x)) {
    throw new InvalidValueError(`the ${what} "${e.source}" is not finite`, {
      location: { expression: e.source },
    });
  }
  return x;
}

function makeValues(
  first: Bound,
  length: number,
  magnitude: (i: number) => number,
  isInt: boolean,
): LoopValues {
  if (typeof first.value === 'number') {
    return { length, type: isInt ? ParameterType.int : ParameterType.float, at: magnitude };
  }
  const unit = first.value.unit;
  return {
    length,
    type: ParameterType.quantity(unit.symbol),
    at: (i) => new Quantity(magnitude(i), unit),
  };
}

/** Values of a linspace (loop or zip column): `num` values from start to stop, stop included. */
export function linspaceValues(
  spec: { readonly start: Expression; readonly stop: Expression; readonly num: number },
  p: Parameters,
): LoopValues {
  const start = evaluateBound('start', spec.start, p);
  const stop = evaluateBound('stop', spec.stop, p);
  const a = finite(
    'start',
    typeof start.value === 'number' ? start.value : start.value.magnitude,
    spec.start,
  );
  const b = finite('stop', inUnitOf(start, 'stop', stop), spec.stop);
  const n = spec.num;
  const delta = n > 1 ? (b - a) / (n - 1) : 0;
  return makeValues(start, n, (i) => (i === n - 1 && n > 1 ? b : a + i * delta), false);
}

/** Values of an arange loop: start, start + step, ... below stop. */
export function arangeValues(step: ArangeLoop, p: Parameters): LoopValues {
  const start = evaluateBound('start', step.start, p);
  const stop = evaluateBound('stop', step.stop, p);
  const inc = evaluateBound('step', step.step, p);
  const a = finite(
    'start',
    typeof start.value === 'number' ? start.value : start.value.magnitude,
    step.start,
  );
  const b = finite('stop', inUnitOf(start, 'stop', stop), step.stop);
  const d = finite('step', inUnitOf(start, 'step', inc), step.step);
  if (d === 0) {
    throw new InvalidValueError(`the step "${step.step.source}" is zero`, {
      location: { expression: step.step.source },
    });
  }
  const length = Math.max(0, Math.ceil((b - a) / d));
  if (length > MAX_VALUES) {
    throw new InvalidValueError(`the loop would have ${length} values (more than ${MAX_VALUES})`);
  }
  return makeValues(start, length, (i) => a + i * d, start.isInt && stop.isInt && inc.isInt);
}

/** Values of one zip column. */
export function zipColumnValues(column: ZipColumn, p: Parameters): LoopValues {
  if (!('values' in column)) return linspaceValues(column, p);
  const bounds = column.values.map((e) => evaluateBound('value', e, p));
  const length = bounds.length;
  if (length === 0) return { length, type: ParameterType.float, at: () => 0 };
  const first = bounds[0]!;
  const magnitudes = bounds.map((b, i) => {
    try {
      return i === 0
        ? typeof b.value === 'number'
          ? b.value
          : b.value.magnitude
        : inUnitOf(first, `value ${i}`, b, 'value 0');
    } catch (e) {
      throw e instanceof DimensionalityError
        ? e.addContext({ expression: b.expression.source })
        : e;
    }
  });
  return makeValues(
    first,
    length,
    (i) => magnitudes[i]!,
    bounds.every((b) => b.isInt),
  );
}
