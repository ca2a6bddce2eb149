import {
  type Expression,
  type ParameterSchema,
  type SequenceContext,
  type Parameters,
  Quantity,
  Unit,
} from '@shotline/core';

/** What an output tree gives, known before any shot: its SI base unit, and if it is boolean. */
export interface StaticOutputType {
  readonly unit: Unit;
  readonly boolean: boolean;
}

/** What the static check knows: the sequence, and parameters of the schema's types. */
export interface StaticContext {
  readonly sequence: SequenceContext;
  /** The constants, and a value of the right type for each variable. */
  readonly sample: Parameters;
}

/** The boolean type. */
export const BOOLEAN_TYPE: StaticOutputType = Object.freeze({
  unit: Unit.dimensionless,
  boolean: true,
});

/**
 * Parameters with the schema's types: the constants as they are, and a representative value for
 * every variable (types, hence units and dimensions, do not change between shots).
 */
export function sampleParameters(schema: ParameterSchema): Parameters {
  let sample = schema.constants;
  for (const [name, type] of schema.variables) {
    switch (type.kind) {
      case 'bool':
        sample = sample.with(name, true, type);
        break;
      case 'int':
        sample = sample.with(name, 1, type);
        break;
      case 'float':
        sample = sample.with(name, 0.5, type);
        break;
      case 'quantity':
        sample = sample.with(name, new Quantity(1, type.unit), type);
        break;
    }
  }
  return sample;
}

/**
 * The static type of an expression with the sample parameters, or undefined when it cannot be
 * known now (e.g. it names a variable the schema does not have: the shot reports that).
 */
export function expressionType(
  expression: Expression,
  sample: Parameters,
): StaticOutputType | undefined {
  try {
    const compiled = expression.compile(sample, { timeDependent: expression.isTimeDependent });
    return { unit: compiled.unit.baseUnit, boolean: compiled.type.kind === 'bool' };
  } catch {
    return undefined;
  }
}

/** How a static type reads in messages: `boolean values`, `values in kg*m^2/s^3/A`... */
export function describeStaticType(type: StaticOutputType): string {
  if (type.boolean) return 'boolean values';
  return type.unit.isDimensionless ? 'dimensionless values' : `values in ${type.unit.symbol}`;
}
