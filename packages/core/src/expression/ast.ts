import type { Unit } from '../units/unit.js';

/**
 * The syntax tree of an expression, as produced by {@link parseExpression}.
 *
 * Every node has `start` and `end`: its span `[start, end)` in the source (0-based UTF-16 offsets;
 * the 1-based column of a node is `start + 1`). Node kinds:
 * - `number`: a literal; `isInteger` is true when it has no `.` and no exponent (`3`, not `3.0`);
 * - `quantity`: a literal number followed by units, e.g. `10 MHz`, `-3 dBm`, `50 %`, `2 m^2/s`
 *   (units right after a number are part of the literal, so `t / 1 ms` is `t / (1 ms)`);
 * - `variable`: an identifier, possibly dotted (`mot.detuning`). It is resolved at compile time as a
 *   parameter, else a constant (`pi`, `e`, `Enabled`, `Disabled`), else a unit (`MHz` alone is 1 MHz),
 *   else an error. `t` is the time inside a lane block. `unitPosition` marks an identifier right after
 *   a number (`12 foo`): if it resolves to nothing, the error is "undefined unit";
 * - `unit`: a `%` or `°` sign that does not follow a number literal (`x %` is `x * 1 %`);
 * - `unary`: `+x`, `-x`;
 * - `binary`: `+ - * / ^` (`**` is `^`). `implicit` is true for implicit multiplication (`2 pi`,
 *   `2(a + b)`, `a b`), which binds tighter than `*` and `/`. `operatorStart` locates the operator;
 * - `call`: a function call `name(args)`; the function exists and the argument count is right.
 */
export type ExpressionNode =
  NumberNode | QuantityNode | VariableNode | UnitNode | UnaryNode | BinaryNode | CallNode;

/** Common fields of every node. */
export interface ExpressionNodeSpan {
  /** Offset of the first character in the source. */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
}

/** A number literal. */
export interface NumberNode extends ExpressionNodeSpan {
  readonly kind: 'number';
  readonly value: number;
  readonly isInteger: boolean;
}

/** A number literal with units, e.g. `10 MHz`. */
export interface QuantityNode extends ExpressionNodeSpan {
  readonly kind: 'quantity';
  readonly magnitude: number;
  readonly isInteger: boolean;
  readonly unit: Unit;
}

/** An identifier (parameter, constant, unit or the time `t`). */
export interface VariableNode extends ExpressionNodeSpan {
  readonly kind: 'variable';
  readonly name: string;
  readonly unitPosition: boolean;
}

/** A `%` or `°` sign not attached to a number literal. */
export interface UnitNode extends ExpressionNodeSpan {
  readonly kind: 'unit';
  readonly unit: Unit;
}

/** `+x` or `-x`. */
export interface UnaryNode extends ExpressionNodeSpan {
  readonly kind: 'unary';
  readonly operator: '+' | '-';
  readonly operand: ExpressionNode;
}

/** Binary operators. */
export type BinaryOperator = '+' | '-' | '*' | '/' | '^';

/** `left operator right`. */
export interface BinaryNode extends ExpressionNodeSpan {
  readonly kind: 'binary';
  readonly operator: BinaryOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly implicit: boolean;
  readonly operatorStart: number;
}

/** `name(arg, ...)`. */
export interface CallNode extends ExpressionNodeSpan {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly ExpressionNode[];
}
