import type { TimedInstruction } from '../instructions/index.js';
import type { Unit } from '../units/index.js';

/**
 * A compiled lane or channel output: one value per tick, in SI base units, with that unit
 * (`Unit.dimensionless` for digital values, `kg*m^2/s^3/A` for volts...). Booleans are a `bool`
 * instruction; everything else float64.
 */
export interface DimensionedSeries {
  readonly values: TimedInstruction;
  /** The SI base unit of the values. */
  readonly unit: Unit;
}
