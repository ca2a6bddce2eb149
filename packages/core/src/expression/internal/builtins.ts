/** How a built-in function treats its arguments (the compiler implements each category). */
export type FunctionCategory =
  | 'dimensionless' // f(x) of a dimensionless x, returns a float: exp, log, sin...
  | 'dimensionless2' // f(y, x) of two values of one dimension, returns a float: atan2
  | 'integer' // floor, ceil, round: dimensionless in, int out
  | 'abs'
  | 'sqrt'
  | 'extremum' // min, max: same dimension, unit of the first argument
  | 'square_wave';

/** A built-in function: arity and implementation on SI values. */
export interface FunctionSpec {
  readonly category: FunctionCategory;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly apply: (...args: number[]) => number;
}

/** Round half to even, as Python's `round`. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const unary = (apply: (x: number) => number): FunctionSpec => ({
  category: 'dimensionless',
  minArgs: 1,
  maxArgs: 1,
  apply,
});

/** The functions of the expression language. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  ['abs', { category: 'abs', minArgs: 1, maxArgs: 1, apply: Math.abs }],
  ['sqrt', { category: 'sqrt', minArgs: 1, maxArgs: 1, apply: Math.sqrt }],
  ['exp', unary(Math.exp)],
  ['log', unary(Math.log)],
  ['log10', unary(Math.log10)],
  ['log2', unary(Math.log2)],
  ['sin', unary(Math.sin)],
  ['cos', unary(Math.cos)],
  ['tan', unary(Math.tan)],
  ['arcsin', unary(Math.asin)],
  ['asin', unary(Math.asin)],
  ['arccos', unary(Math.acos)],
  ['acos', unary(Math.acos)],
  ['arctan', unary(Math.atan)],
  ['atan', unary(Math.atan)],
  ['sinh', unary(Math.sinh)],
  ['cosh', unary(Math.cosh)],
  ['tanh', unary(Math.tanh)],
  ['degrees', unary((x) => (x * 180) / Math.PI)],
  ['radians', unary((x) => (x * Math.PI) / 180)],
  ['atan2', { category: 'dimensionless2', minArgs: 2, maxArgs: 2, apply: Math.atan2 }],
  ['arctan2', { category: 'dimensionless2', minArgs: 2, maxArgs: 2, apply: Math.atan2 }],
  ['floor', { category: 'integer', minArgs: 1, maxArgs: 1, apply: Math.floor }],
  ['ceil', { category: 'integer', minArgs: 1, maxArgs: 1, apply: Math.ceil }],
  ['round', { category: 'integer', minArgs: 1, maxArgs: 1, apply: roundHalfEven }],
  ['min', { category: 'extremum', minArgs: 1, maxArgs: Infinity, apply: Math.min }],
  ['max', { category: 'extremum', minArgs: 1, maxArgs: Infinity, apply: Math.max }],
  [
    'square_wave',
    {
      category: 'square_wave',
      minArgs: 1,
      maxArgs: 2,
      // True (1) while the fractional part of x is below the duty cycle.
      apply: (x: number, duty = 0.5) => (x - Math.floor(x) < duty ? 1 : 0),
    },
  ],
]);

/** The constants of the expression language (parameters of the same name take precedence). */
export const CONSTANTS: ReadonlyMap<string, { value: number; kind: 'float' | 'bool' }> = new Map([
  ['pi', { value: Math.PI, kind: 'float' as const }],
  ['e', { value: Math.E, kind: 'float' as const }],
  ['Enabled', { value: 1, kind: 'bool' as const }],
  ['Disabled', { value: 0, kind: 'bool' as const }],
]);

/** The name of the time variable inside lane blocks. */
export const TIME_VARIABLE = 't';
