/**
 * Unit-aware expressions.
 *
 * ## Language
 * - Numbers: `3` (an int), `3.0`, `1e-3` (floats). Quantities: a number followed by units,
 *   `10 MHz`, `-3 dBm`, `50 %`, `90°`, `2 m^2`, `12.5 MHz / V`. Units after a number are part of the
 *   literal and bind tightest: `t / 1 ms` is `t / (1 ms)`; a sign before a quantity literal belongs to
 *   its magnitude (`-3 dBm`).
 * - Operators: `+ - * /`, powers `^` or `**` (right-associative, tighter than unary minus:
 *   `-2^2` is -4), parentheses. Implicit multiplication as in the reference: a number followed by an
 *   identifier, a number or `(` (`2 pi`, `2(a + b)`), an identifier or `)` followed by an identifier
 *   or a number (`a b`). It binds tighter than `*` and `/` (`a / 2 b` is `a / (2 b)`). `f(x)` is a call.
 * - Identifiers, possibly dotted (`mot.detuning`, looked up as the flat dotted name): a parameter,
 *   else a constant (`pi`, `e`, `Enabled` = true, `Disabled` = false), else a unit (`MHz` alone is
 *   1 MHz). Right after a number, a unit symbol is always a unit; a name that looks like a misspelled
 *   unit (`1 Mhz`, `5 DBM`, `50 ohms`: see `similarUnitSymbols`) is refused when parsing with an
 *   `UndefinedUnitError` suggesting the closest units; another name multiplies (`2 a`), and if
 *   it is no parameter either, evaluation reports an undefined unit (`12 foo`). `t` is the time
 *   (seconds, from the block start) in lane expressions.
 * - Functions: abs, sqrt, exp, log, log10, log2, sin, cos, tan, arcsin/asin, arccos/acos,
 *   arctan/atan, atan2/arctan2, sinh, cosh, tanh, degrees, radians, floor, ceil, round (half to even,
 *   as Python; these three return ints), min, max, and `square_wave(x, duty = 0.5)`: true while the
 *   fractional part of `x` is below `duty` (in [0, 1]).
 * - Units: see `Unit`. `dB`/`dBm` convert to linear values (`0 dB` is 1, `0 dBm` is 1 mW); angles are
 *   dimensionless (`cos(90°)` is ~0), functions of angles take radians.
 *
 * ## Types (static, from the literals and the parameter types)
 * - int literals and `+ - *` of ints, unary minus of an int, `int ^ non-negative int constant`,
 *   `abs`/`min`/`max` of ints and `floor`/`ceil`/`round` are **int**; `/` and every other function
 *   give a **float**; booleans (`Enabled`, bool parameters, `square_wave`) are **bool** and are not
 *   allowed in arithmetic.
 * - A result with a dimension, or with an angle unit, is a **quantity**; a dimensionless result
 *   (`50 %`, `0 dB`, `10 MHz / 2 kHz`) is a plain **float** (SI value: `50 %` is 0.5).
 *
 * ## Display unit of a computed quantity
 * - `+`, `-`: the unit of the left operand if it is a quantity, else of the right one
 *   (`10 MHz + 20 kHz` is `10.02 MHz`);
 * - `*`, `/` with a number: the quantity's unit (`/` by a quantity inverts it: `1 / 2 us` is
 *   `0.5 1/us`); of two quantities: the product/quotient of the units (`mV / us`), or the SI base unit
 *   when a log unit takes part; dimensionless ratios are floats;
 * - `^ n`, `sqrt`: the unit to that power; `abs`, `min`, `max`: the (first) quantity's unit.
 *
 * ## Compilation and evaluation
 * `new Expression(source)` parses once and validates what needs no parameter (syntax, functions,
 * units): an `Expression` object is always well-formed, so loading a sequence validates it.
 * A literal, a negated literal (not of a log unit) or a quantity parameter passed through keeps its
 * display magnitude exactly (`-3 dBm` evaluates to magnitude -3, not the round trip through SI). {@link Expression.evaluate} compiles on first use for the
 * types of the parameters it reads (dimension errors name both operands, the expression and the
 * column), caches that, and then evaluates closures on float64 SI values (constant sub-expressions
 * are folded).
 *
 * ## Time-dependent expressions (lane compilation)
 * - {@link Expression.isTimeDependent} tells whether `t` appears.
 * - {@link Expression.evaluateAt}`(parameters, times)` evaluates for an array of `t` (seconds,
 *   relative to the block start) into a `Float64Array` of SI values (booleans as 0/1).
 * - {@link Expression.compile}`(parameters, { timeDependent: true, node })` gives a
 *   {@link CompiledExpression} whose `valueAt(parameters, t)` evaluates the whole expression, or any
 *   node of {@link Expression.ast}, at one time; `constant` is set when it does not depend on `t`.
 *   Walk {@link Expression.ast} (see {@link ExpressionNode}) to compile `square_wave(x, duty)`
 *   structurally: compile its `x` node as a time function and its `duty` node as a constant.
 */
export * from './ast.js';
export * from './parse-expression.js';
export * from './expression.js';
