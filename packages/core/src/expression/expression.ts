import { z } from 'zod';
import { EvaluationError } from '../errors/index.js';
import { ParameterType, type ParameterValue } from '../parameters/parameter-type.js';
import type { Parameters } from '../parameters/parameters.js';
import { Quantity } from '../units/quantity.js';
import { type Unit, isUnitSymbol } from '../units/unit.js';
import type { ExpressionNode } from './ast.js';
import { CONSTANTS, TIME_VARIABLE } from './internal/builtins.js';
import { type CompiledNode, type StaticType, compileNode } from './internal/compiler.js';
import { parseExpression } from './parse-expression.js';

/** A value with its type, as produced by {@link Expression.evaluateTyped}. */
export interface TypedValue {
  readonly value: ParameterValue;
  readonly type: ParameterType;
}

/** Options of {@link Expression.compile}. */
export interface CompileExpressionOptions {
  /** Compile this node of {@link Expression.ast} instead of the whole expression. */
  readonly node?: ExpressionNode;
  /** Bind `t` to the time argument of {@link CompiledExpression.valueAt} (seconds). */
  readonly timeDependent?: boolean;
}

/**
 * An expression compiled for the types of one parameter set: evaluates as float arithmetic on
 * SI base values. Booleans evaluate to 0 or 1.
 */
export interface CompiledExpression {
  /** Type of the value (for a time-dependent expression: of each value). */
  readonly type: ParameterType;
  /** Display unit of the value; dimensionless for booleans and numbers. */
  readonly unit: Unit;
  /** The SI value when it depends neither on parameters nor on time, else undefined. */
  readonly constant: number | undefined;
  /** The SI value for `parameters` at time `t` in seconds (ignored if not time-dependent). */
  valueAt(parameters: Parameters, t: number): number;
  /** Converts an SI value of this expression to a parameter value (`2e6` to `2 MHz`). */
  toValue(si: number): ParameterValue;
}

/** A compilation with its evaluation to a parameter value (display digits kept when exact). */
interface Compilation extends CompiledExpression {
  valueOf(parameters: Parameters): ParameterValue;
}

interface CacheEntry {
  readonly timeDependent: boolean;
  readonly types: readonly (ParameterType | undefined)[];
  readonly compiled: Compilation;
}

function toParameterType(t: StaticType): ParameterType {
  switch (t.kind) {
    case 'bool':
      return ParameterType.bool;
    case 'int':
      return ParameterType.int;
    case 'float':
      return ParameterType.float;
    case 'quantity':
      return ParameterType.quantity(t.unit.symbol);
  }
}

function variableNames(n: ExpressionNode, out: Set<string>): Set<string> {
  switch (n.kind) {
    case 'variable':
      out.add(n.name);
      break;
    case 'unary':
      variableNames(n.operand, out);
      break;
    case 'binary':
      variableNames(n.left, out);
      variableNames(n.right, out);
      break;
    case 'call':
      n.args.forEach((a) => variableNames(a, out));
      break;
    default:
      break;
  }
  return out;
}

function isUnitName(name: string): boolean {
  return !name.includes('.') && isUnitSymbol(name);
}

const MAX_CACHE = 8;

/**
 * A unit-aware expression such as `10 MHz + detuning * 3`, `2 pi`, `-3 dBm` or
 * `square_wave(t / 1 ms, 0.3)`. Immutable; equality and JSON are its source text.
 *
 * It is parsed on construction ({@link ExpressionSyntaxError} naming the column) and compiled, with
 * dimension checks, once per combination of parameter types (cached); evaluation is then plain float
 * arithmetic on SI values. See the expression barrel for the language.
 */
export class Expression {
  /** The source text. */
  readonly source: string;
  /** The syntax tree. */
  readonly ast: ExpressionNode;
  /**
   * Names that must come from the parameters: identifiers that are not constants (`pi`, `e`,
   * `Enabled`, `Disabled`) or unit symbols. Includes `t` for a time-dependent expression.
   */
  readonly upstreamVariables: ReadonlySet<string>;
  /** True if the expression mentions the time `t`. */
  readonly isTimeDependent: boolean;
  /**
   * Every identifier of the expression, `t`, constants and unit names included: what its value may
   * read from the parameters (a parameter shadows a constant or unit of the same name). Two
   * parameter sets with the same types and values for these names give the same value.
   */
  readonly referencedNames: readonly string[];
  private readonly cache: CacheEntry[] = [];
  /** Compilations of sub-nodes (lane compilation), by node. */
  private readonly nodeCache = new Map<ExpressionNode, CacheEntry[]>();

  constructor(source: string) {
    this.source = source;
    this.ast = parseExpression(source);
    const names = variableNames(this.ast, new Set());
    this.referencedNames = Object.freeze([...names]);
    this.upstreamVariables = new Set([...names].filter((n) => !CONSTANTS.has(n) && !isUnitName(n)));
    this.isTimeDependent = names.has(TIME_VARIABLE);
    Object.freeze(this);
  }

  /** Evaluates with `parameters`; a boolean, a number or a {@link Quantity} in its display unit. */
  evaluate(parameters: Parameters): ParameterValue {
    return this.compiledFor(parameters, false, this.ast).valueOf(parameters);
  }

  /** Evaluates and returns the value with its static type (`int` for `2 * 3`, `float` for `6 / 2`). */
  evaluateTyped(parameters: Parameters): TypedValue {
    const compiled = this.compiledFor(parameters, false, this.ast);
    return { value: compiled.valueOf(parameters), type: compiled.type };
  }

  /** The type the expression evaluates to with these parameters (checks it without evaluating). */
  resultType(parameters: Parameters): ParameterType {
    return this.compiledFor(parameters, false, this.ast).type;
  }

  /**
   * Compiles the expression (or one of its nodes) for the parameter types of `parameters`; used
   * by lane compilation to evaluate time-dependent expressions. Errors name the expression and
   * column.
   */
  compile(parameters: Parameters, options: CompileExpressionOptions = {}): CompiledExpression {
    return this.compiledFor(parameters, options.timeDependent ?? false, options.node ?? this.ast);
  }

  /**
   * Evaluates a time-dependent expression for each time of `times` (seconds, relative to the block
   * start), as SI values (booleans as 0/1), into `out` (allocated if not given).
   */
  evaluateAt(
    parameters: Parameters,
    times: ArrayLike<number>,
    out: Float64Array = new Float64Array(times.length),
  ): Float64Array {
    const compiled = this.compiledFor(parameters, true, this.ast);
    for (let i = 0; i < times.length; i++) out[i] = compiled.valueAt(parameters, times[i]!);
    return out;
  }

  private compiledFor(
    parameters: Parameters,
    timeDependent: boolean,
    node: ExpressionNode,
  ): Compilation {
    const lookups = this.referencedNames;
    let cache = this.cache;
    if (node !== this.ast) {
      const known = this.nodeCache.get(node);
      if (known === undefined) {
        // Bounded: a node of another tree would otherwise be remembered forever.
        if (this.nodeCache.size >= MAX_CACHE * 4) this.nodeCache.clear();
        cache = [];
        this.nodeCache.set(node, cache);
      } else {
        cache = known;
      }
    }
    search: for (const entry of cache) {
      if (entry.timeDependent !== timeDependent) continue;
      for (let i = 0; i < lookups.length; i++) {
        if (parameters.typeOf(lookups[i]!) !== entry.types[i]) continue search;
      }
      return entry.compiled;
    }
    const compiled = this.build(
      compileNode(node, { source: this.source, parameters, timeDependent }),
    );
    if (cache.length >= MAX_CACHE) cache.pop();
    cache.unshift({
      timeDependent,
      types: lookups.map((n) => parameters.typeOf(n)),
      compiled,
    });
    return compiled;
  }

  private build(c: CompiledNode): Compilation {
    const source = this.source;
    const check = (v: number): number => {
      if (v - v !== 0) {
        throw new EvaluationError(
          `the result is ${Number.isNaN(v) ? 'not a number' : 'infinite'}`,
          {
            location: { expression: source },
          },
        );
      }
      return v;
    };
    const unit = c.type.unit;
    let toValue: (si: number) => ParameterValue;
    switch (c.type.kind) {
      case 'bool':
        toValue = (v) => v !== 0;
        break;
      case 'int':
      case 'float':
        toValue = check;
        break;
      case 'quantity':
        toValue = (v) => new Quantity(check(unit.fromBase(check(v))), unit);
        break;
    }
    const evaluate = c.evaluate;
    const display = c.display;
    // A literal or a parameter passed through keeps its magnitude exactly (no round trip via SI).
    const valueOf =
      display === undefined
        ? (p: Parameters): ParameterValue => toValue(evaluate(p, NaN))
        : (p: Parameters): ParameterValue => {
            check(evaluate(p, NaN));
            return new Quantity(display(p, NaN), unit);
          };
    return {
      type: toParameterType(c.type),
      unit,
      constant: c.constant,
      valueAt: evaluate,
      toValue,
      valueOf,
    };
  }

  /** Same source text. */
  equals(other: Expression): boolean {
    return this.source === other.source;
  }

  /** The source text. */
  toString(): string {
    return this.source;
  }

  /** JSON is the source text. */
  toJSON(): string {
    return this.source;
  }
}

/** zod schema: a source string in, a parsed {@link Expression} out (syntax errors are issues). */
export const expressionSchema = z.string().transform((source, ctx) => {
  try {
    return new Expression(source);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    return z.NEVER;
  }
});
