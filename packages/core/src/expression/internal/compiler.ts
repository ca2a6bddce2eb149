import {
  DimensionalityError,
  EvaluationError,
  InvalidTypeError,
  InvalidValueError,
  type ShotlineError,
  type ShotlineErrorOptions,
  UndefinedUnitError,
  UndefinedVariableError,
} from '../../errors/index.js';
import type { Parameters } from '../../parameters/parameters.js';
import type { Quantity } from '../../units/quantity.js';
import { Unit, isUnitSymbol } from '../../units/unit.js';
import type { BinaryNode, CallNode, ExpressionNode } from '../ast.js';
import { CONSTANTS, FUNCTIONS, TIME_VARIABLE } from './builtins.js';

/** A compiled node: SI value of the node for a parameter set and a time (seconds, or NaN). */
export type Evaluator = (p: Parameters, t: number) => number;

/**
 * Static type of a compiled node. Numbers, including dimensionless quantities that are not angles
 * (`50 %`, `0 dB`, `MHz/kHz`), are `int` or `float`; `quantity` always has a dimension or an angle
 * unit. Booleans evaluate to 0 or 1.
 */
export interface StaticType {
  readonly kind: 'bool' | 'int' | 'float' | 'quantity';
  /** The display unit; dimensionless for bool, int and float. */
  readonly unit: Unit;
}

/** A compiled node. `constant` is set when the value does not depend on parameters or time. */
export interface CompiledNode {
  readonly type: StaticType;
  readonly constant: number | undefined;
  readonly evaluate: Evaluator;
  /**
   * The exact magnitude in the display unit (`type.unit`), when no arithmetic happened: a quantity
   * literal, a negated one (not for log units: `-(3 dBm)` is not `-3 dBm`), a bare unit, a quantity
   * parameter passed through. Lets results keep the digits they were written with instead of
   * going through the SI value and back.
   */
  readonly display?: Evaluator;
}

/** What the compiler needs to know. */
export interface CompileOptions {
  readonly source: string;
  readonly parameters: Parameters;
  /** If true, `t` is the time in seconds passed to the evaluator. */
  readonly timeDependent: boolean;
}

const BOOL: StaticType = { kind: 'bool', unit: Unit.dimensionless };
const INT: StaticType = { kind: 'int', unit: Unit.dimensionless };
const FLOAT: StaticType = { kind: 'float', unit: Unit.dimensionless };

/** The static type of a quantity in `unit`, or `float` when it is a plain ratio. */
export function quantityType(unit: Unit): StaticType {
  return unit.isDimensionless && !unit.isAngle ? FLOAT : { kind: 'quantity', unit };
}

function constant(value: number, type: StaticType, display?: number): CompiledNode {
  return display === undefined || type.kind !== 'quantity'
    ? { type, constant: value, evaluate: () => value }
    : { type, constant: value, evaluate: () => value, display: () => display };
}

function node(type: StaticType, evaluate: Evaluator): CompiledNode {
  return { type, constant: undefined, evaluate };
}

/** Folds a node whose operands are all constant. */
function fold(type: StaticType, evaluate: Evaluator, parts: readonly CompiledNode[]): CompiledNode {
  if (parts.every((p) => p.constant !== undefined)) {
    return constant(evaluate(undefined as unknown as Parameters, NaN), type);
  }
  return node(type, evaluate);
}

function dimensionOf(t: StaticType): string {
  if (t.kind === 'bool') return 'boolean';
  return t.unit.dimension.describe();
}

class Compiler {
  constructor(private readonly options: CompileOptions) {}

  private text(n: ExpressionNode): string {
    return this.options.source.slice(n.start, n.end);
  }

  private error<E extends ShotlineError>(
    Kind: new (detail: string, options?: ShotlineErrorOptions) => E,
    message: string,
    offset: number,
  ): E {
    return new Kind(message, {
      location: { expression: this.options.source, column: offset + 1 },
    });
  }

  private operand(n: ExpressionNode, t: StaticType): string {
    return `"${this.text(n)}" (${dimensionOf(t)})`;
  }

  private noBoolean(n: ExpressionNode, c: CompiledNode, what: string): void {
    if (c.type.kind === 'bool') {
      throw this.error(
        InvalidTypeError,
        `"${this.text(n)}" is a boolean and cannot be used in ${what}`,
        n.start,
      );
    }
  }

  compile(n: ExpressionNode): CompiledNode {
    switch (n.kind) {
      case 'number':
        return constant(n.value, n.isInteger ? INT : FLOAT);
      case 'quantity':
        return constant(n.unit.toBase(n.magnitude), quantityType(n.unit), n.magnitude);
      case 'unit':
        return constant(n.unit.toBase(1), quantityType(n.unit), 1);
      case 'variable':
        return this.variable(n.name, n.unitPosition, n.start);
      case 'unary': {
        const operand = this.compile(n.operand);
        this.noBoolean(n.operand, operand, 'a sign');
        if (n.operator === '+') return operand;
        const f = operand.evaluate;
        const negated = fold(operand.type, (p, t) => -f(p, t), [operand]);
        const display = operand.display;
        if (display === undefined || operand.type.unit.isLogarithmic) return negated;
        return negated.constant !== undefined
          ? constant(
              negated.constant,
              negated.type,
              -display(undefined as unknown as Parameters, NaN),
            )
          : { ...negated, display: (p, t) => -display(p, t) };
      }
      case 'binary':
        return this.binary(n);
      case 'call':
        return this.call(n);
    }
  }

  private variable(name: string, unitPosition: boolean, offset: number): CompiledNode {
    if (name === TIME_VARIABLE && this.options.timeDependent) {
      return node({ kind: 'quantity', unit: Unit.parse('s') }, (_p, t) => t);
    }
    const type = this.options.parameters.typeOf(name);
    if (type !== undefined) {
      switch (type.kind) {
        case 'bool':
          return node(BOOL, (p) => (p.get(name) ? 1 : 0));
        case 'int':
          return node(INT, (p) => p.get(name) as number);
        case 'float':
          return node(FLOAT, (p) => p.get(name) as number);
        case 'quantity': {
          const compiled = node(quantityType(Unit.parse(type.unit)), (p) =>
            (p.get(name) as Quantity).toBase(),
          );
          // A quantity parameter's magnitude is in its type's unit (checked when it is set).
          return compiled.type.kind === 'quantity'
            ? { ...compiled, display: (p) => (p.get(name) as Quantity).magnitude }
            : compiled;
        }
      }
    }
    const builtin = CONSTANTS.get(name);
    if (builtin !== undefined)
      return constant(builtin.value, builtin.kind === 'bool' ? BOOL : FLOAT);
    if (!name.includes('.') && isUnitSymbol(name)) {
      const unit = Unit.parse(name);
      return constant(unit.toBase(1), quantityType(unit));
    }
    if (unitPosition) throw this.error(UndefinedUnitError, `undefined unit "${name}"`, offset);
    if (name === TIME_VARIABLE) {
      throw this.error(
        UndefinedVariableError,
        `undefined variable "t" (the time exists only in time-dependent lane expressions)`,
        offset,
      );
    }
    throw this.error(UndefinedVariableError, `undefined variable "${name}"`, offset);
  }

  private binary(n: BinaryNode): CompiledNode {
    const a = this.compile(n.left);
    const b = this.compile(n.right);
    switch (n.operator) {
      case '+':
      case '-':
        return this.additive(n, a, b);
      case '*':
      case '/':
        return this.multiplicative(n, a, b);
      case '^':
        return this.power(n, a, b);
    }
  }

  private additive(n: BinaryNode, a: CompiledNode, b: CompiledNode): CompiledNode {
    const verb = n.operator === '+' ? 'an addition' : 'a subtraction';
    this.noBoolean(n.left, a, verb);
    this.noBoolean(n.right, b, verb);
    if (!a.type.unit.dimension.equals(b.type.unit.dimension)) {
      throw this.error(
        DimensionalityError,
        `cannot ${n.operator === '+' ? 'add' : 'subtract'} ${this.operand(n.left, a.type)} and ${this.operand(n.right, b.type)}`,
        n.operatorStart,
      );
    }
    // The display unit is the left operand's, else the right one's.
    const type =
      a.type.kind === 'quantity'
        ? a.type
        : b.type.kind === 'quantity'
          ? b.type
          : a.type.kind === 'int' && b.type.kind === 'int'
            ? INT
            : FLOAT;
    const f = a.evaluate;
    const g = b.evaluate;
    const x = a.constant;
    const y = b.constant;
    if (n.operator === '+') {
      if (x !== undefined && y !== undefined) return constant(x + y, type);
      if (x !== undefined) return node(type, (p, t) => x + g(p, t));
      if (y !== undefined) return node(type, (p, t) => f(p, t) + y);
      return node(type, (p, t) => f(p, t) + g(p, t));
    }
    if (x !== undefined && y !== undefined) return constant(x - y, type);
    if (x !== undefined) return node(type, (p, t) => x - g(p, t));
    if (y !== undefined) return node(type, (p, t) => f(p, t) - y);
    return node(type, (p, t) => f(p, t) - g(p, t));
  }

  /** Display unit of a product or quotient (see the rules in the expression barrel). */
  private productType(op: '*' | '/', a: StaticType, b: StaticType): StaticType {
    if (a.kind !== 'quantity' && b.kind !== 'quantity') {
      return op === '*' && a.kind === 'int' && b.kind === 'int' ? INT : FLOAT;
    }
    if (b.kind !== 'quantity') return a;
    if (a.kind !== 'quantity') {
      if (op === '*') return b;
      return quantityType(
        b.unit.isLogarithmic ? Unit.base(b.unit.dimension.pow(-1)) : b.unit.pow(-1),
      );
    }
    const dimension =
      op === '*'
        ? a.unit.dimension.times(b.unit.dimension)
        : a.unit.dimension.divide(b.unit.dimension);
    if (a.unit.isLogarithmic || b.unit.isLogarithmic) return quantityType(Unit.base(dimension));
    return quantityType(op === '*' ? a.unit.times(b.unit) : a.unit.divide(b.unit));
  }

  private multiplicative(n: BinaryNode, a: CompiledNode, b: CompiledNode): CompiledNode {
    const verb = n.operator === '*' ? 'a multiplication' : 'a division';
    this.noBoolean(n.left, a, verb);
    this.noBoolean(n.right, b, verb);
    const type = this.productType(n.operator as '*' | '/', a.type, b.type);
    const f = a.evaluate;
    const g = b.evaluate;
    const x = a.constant;
    const y = b.constant;
    if (n.operator === '*') {
      if (x !== undefined && y !== undefined) return constant(x * y, type);
      if (x !== undefined) return node(type, (p, t) => x * g(p, t));
      if (y !== undefined) return node(type, (p, t) => f(p, t) * y);
      return node(type, (p, t) => f(p, t) * g(p, t));
    }
    if (x !== undefined && y !== undefined) return constant(x / y, type);
    if (x !== undefined) return node(type, (p, t) => x / g(p, t));
    if (y !== undefined) {
      const inverse = 1 / y;
      // Multiplying by an exact inverse is faster and equal when y is a power of two.
      if (
        Number.isFinite(inverse) &&
        inverse * y === 1 &&
        Number.isInteger(Math.log2(Math.abs(y)))
      ) {
        return node(type, (p, t) => f(p, t) * inverse);
      }
      return node(type, (p, t) => f(p, t) / y);
    }
    return node(type, (p, t) => f(p, t) / g(p, t));
  }

  private power(n: BinaryNode, a: CompiledNode, b: CompiledNode): CompiledNode {
    this.noBoolean(n.left, a, 'a power');
    this.noBoolean(n.right, b, 'a power');
    if (!b.type.unit.isDimensionless) {
      throw this.error(
        EvaluationError,
        `the exponent must be a number, not ${this.operand(n.right, b.type)}`,
        n.right.start,
      );
    }
    const f = a.evaluate;
    const g = b.evaluate;
    const y = b.constant;
    let type: StaticType;
    if (a.type.kind === 'quantity') {
      if (y === undefined) {
        if (!a.type.unit.isDimensionless) {
          throw this.error(
            EvaluationError,
            `the exponent of ${this.operand(n.left, a.type)} must be a constant number`,
            n.right.start,
          );
        }
        type = FLOAT;
      } else {
        const u = a.type.unit;
        type = quantityType(u.isLogarithmic ? Unit.base(u.dimension.pow(y)) : u.pow(y));
      }
    } else {
      type =
        a.type.kind === 'int' && b.type.kind === 'int' && y !== undefined && y >= 0 ? INT : FLOAT;
    }
    if (y === 2)
      return fold(
        type,
        (p, t) => {
          const v = f(p, t);
          return v * v;
        },
        [a],
      );
    if (y !== undefined) return fold(type, (p, t) => f(p, t) ** y, [a]);
    return fold(type, (p, t) => f(p, t) ** g(p, t), [a, b]);
  }

  private call(n: CallNode): CompiledNode {
    const spec = FUNCTIONS.get(n.name)!;
    const args = n.args.map((arg) => this.compile(arg));
    args.forEach((c, i) => this.noBoolean(n.args[i]!, c, `${n.name}()`));
    const requireDimensionless = (i: number): void => {
      const t = args[i]!.type;
      if (!t.unit.isDimensionless) {
        throw this.error(
          DimensionalityError,
          `${n.name}() needs a dimensionless argument, not ${this.operand(n.args[i]!, t)}`,
          n.args[i]!.start,
        );
      }
    };
    const requireSameDimension = (): void => {
      const first = args[0]!.type;
      args.forEach((c, i) => {
        if (!c.type.unit.dimension.equals(first.unit.dimension)) {
          throw this.error(
            DimensionalityError,
            `${n.name}() needs arguments of one dimension: ${this.operand(n.args[0]!, first)} and ${this.operand(n.args[i]!, c.type)}`,
            n.args[i]!.start,
          );
        }
      });
    };
    const apply = spec.apply;
    const f = args[0]!.evaluate;
    switch (spec.category) {
      case 'dimensionless':
        requireDimensionless(0);
        return fold(FLOAT, (p, t) => apply(f(p, t)), args);
      case 'integer':
        requireDimensionless(0);
        return fold(INT, (p, t) => apply(f(p, t)), args);
      case 'abs':
        return fold(args[0]!.type, (p, t) => Math.abs(f(p, t)), args);
      case 'sqrt': {
        const u = args[0]!.type;
        const type =
          u.kind === 'quantity'
            ? quantityType(
                u.unit.isLogarithmic ? Unit.base(u.unit.dimension.pow(0.5)) : u.unit.pow(0.5),
              )
            : FLOAT;
        return fold(type, (p, t) => Math.sqrt(f(p, t)), args);
      }
      case 'dimensionless2': {
        requireSameDimension();
        const g = args[1]!.evaluate;
        return fold(FLOAT, (p, t) => apply(f(p, t), g(p, t)), args);
      }
      case 'extremum': {
        requireSameDimension();
        const quantity = args.find((c) => c.type.kind === 'quantity');
        const type = quantity
          ? quantity.type
          : args.every((c) => c.type.kind === 'int')
            ? INT
            : FLOAT;
        const fs = args.map((c) => c.evaluate);
        if (fs.length === 2) {
          const g = fs[1]!;
          return fold(type, (p, t) => apply(f(p, t), g(p, t)), args);
        }
        return fold(type, (p, t) => apply(...fs.map((h) => h(p, t))), args);
      }
      case 'square_wave': {
        requireDimensionless(0);
        if (args.length === 1) return fold(BOOL, (p, t) => apply(f(p, t)), args);
        requireDimensionless(1);
        const g = args[1]!.evaluate;
        const source = this.options.source;
        const column = n.args[1]!.start + 1;
        return fold(
          BOOL,
          (p, t) => {
            const duty = g(p, t);
            if (!(duty >= 0 && duty <= 1)) {
              throw new InvalidValueError(
                `the duty cycle of square_wave must be in [0, 1], got ${duty}`,
                {
                  location: { expression: source, column },
                },
              );
            }
            return apply(f(p, t), duty);
          },
          args,
        );
      }
    }
  }
}

/** Compiles a node of an expression's syntax tree for the types of the given parameters. */
export function compileNode(n: ExpressionNode, options: CompileOptions): CompiledNode {
  return new Compiler(options).compile(n);
}
