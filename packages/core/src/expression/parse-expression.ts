import {
  EvaluationError,
  ExpressionSyntaxError,
  ShotlineError,
  UndefinedUnitError,
} from '../errors/index.js';
import { unitSuggestion } from '../units/internal/unit-suggestions.js';
import { Unit, type UnitTerm, isUnitSymbol } from '../units/unit.js';
import type { BinaryNode, ExpressionNode, QuantityNode } from './ast.js';
import { CONSTANTS, FUNCTIONS } from './internal/builtins.js';
import { type Token, tokenize } from './internal/lexer.js';

/** A function name that does not exist, e.g. `sinus(x)`. */
export class UndefinedFunctionError extends EvaluationError {
  static override readonly code: string = 'UNDEFINED_FUNCTION';
}

// Binding powers (higher binds tighter).
const ADDITIVE = 10;
const MULTIPLICATIVE = 20;
const IMPLICIT = 25;
const UNARY = 30;
const POWER = 40;

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end';
    case 'number':
      return 'a number';
    case 'identifier':
      return `"${token.name}"`;
    case 'sign':
      return `"${token.symbol}"`;
    case 'operator':
      return `"${token.op === '^' ? '^' : token.op}"`;
  }
}

class Parser {
  private pos = 0;
  private readonly tokens: Token[];

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parse(): ExpressionNode {
    if (this.peek().kind === 'end') this.fail('the expression is empty', 0);
    const node = this.expression(0);
    const next = this.peek();
    if (next.kind !== 'end') {
      this.fail(
        next.kind === 'operator' && next.op === ')'
          ? 'unmatched ")"'
          : `unexpected ${describe(next)}`,
        next.start,
      );
    }
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }

  private previous(): Token {
    return this.tokens[this.pos - 1]!;
  }

  private fail(message: string, offset: number): never {
    throw new ExpressionSyntaxError(message, {
      location: { expression: this.source, column: offset + 1 },
    });
  }

  private isOperator(t: Token, op: string): boolean {
    return t.kind === 'operator' && t.op === op;
  }

  /** True if the identifier token at `offset` is a unit symbol inside a quantity literal. */
  private isUnitAt(offset: number): boolean {
    const t = this.peek(offset);
    if (t.kind === 'sign') return true;
    return (
      t.kind === 'identifier' &&
      !t.name.includes('.') &&
      isUnitSymbol(t.name) &&
      !this.isOperator(this.peek(offset + 1), '(')
    );
  }

  private expression(rbp: number): ExpressionNode {
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const bp = this.infixPower(t);
      if (bp <= rbp) return left;
      left = this.infix(left, t, bp);
    }
  }

  /** Binding power of `t` as an infix (or implicit multiplication); 0 if it ends the operand. */
  private infixPower(t: Token): number {
    if (t.kind === 'operator') {
      switch (t.op) {
        case '+':
        case '-':
          return ADDITIVE;
        case '*':
        case '/':
          return MULTIPLICATIVE;
        case '^':
          return POWER;
        case '(':
          return this.previous().kind === 'number' ? IMPLICIT : 0;
        default:
          return 0;
      }
    }
    if (t.kind === 'sign') return IMPLICIT;
    if (t.kind === 'number' || t.kind === 'identifier') {
      // Implicit multiplication after a number, an identifier, a sign or a closing parenthesis.
      const prev = this.previous();
      return prev.kind === 'number' ||
        prev.kind === 'identifier' ||
        prev.kind === 'sign' ||
        this.isOperator(prev, ')')
        ? IMPLICIT
        : 0;
    }
    return 0;
  }

  private infix(left: ExpressionNode, t: Token, bp: number): BinaryNode {
    const literal = left.kind === 'unary' ? left.operand : left;
    const afterNumber = literal.kind === 'number' || literal.kind === 'quantity';
    if (bp === IMPLICIT) {
      const right = t.kind === 'sign' ? this.prefix() : this.expression(IMPLICIT);
      const unitPosition =
        afterNumber &&
        right.kind === 'variable' &&
        t.kind === 'identifier' &&
        right.start === t.start;
      if (unitPosition) this.checkUnitName(right.name, right.start);
      const marked = unitPosition ? { ...right, unitPosition: true } : right;
      return {
        kind: 'binary',
        operator: '*',
        left,
        right: marked,
        implicit: true,
        operatorStart: t.start,
        start: left.start,
        end: marked.end,
      };
    }
    this.next();
    const op = (t as { op: '+' | '-' | '*' | '/' | '^' }).op;
    if (this.peek().kind === 'end') {
      this.fail(`a value is missing after "${op}"`, t.start);
    }
    const right = this.expression(op === '^' ? bp - 1 : bp);
    return {
      kind: 'binary',
      operator: op,
      left,
      right,
      implicit: false,
      operatorStart: t.start,
      start: left.start,
      end: right.end,
    };
  }

  private prefix(): ExpressionNode {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return this.numberLiteral(t);
      case 'identifier':
        if (this.isOperator(this.peek(), '(')) return this.call(t);
        return { kind: 'variable', name: t.name, unitPosition: false, start: t.start, end: t.end };
      case 'sign':
        return { kind: 'unit', unit: Unit.parse(t.symbol), start: t.start, end: t.end };
      case 'end':
        return this.fail('the expression is incomplete', t.start);
      case 'operator':
        break;
    }
    switch (t.op) {
      case '(': {
        if (this.isOperator(this.peek(), ')')) this.fail('empty parentheses', t.start);
        const inner = this.expression(0);
        if (!this.isOperator(this.peek(), ')')) {
          this.fail(`missing ")" to close "(" at column ${t.start + 1}`, this.peek().start);
        }
        const close = this.next();
        // The span of a parenthesised node includes its parentheses.
        return { ...inner, start: t.start, end: close.end };
      }
      case '+':
      case '-': {
        if (this.peek().kind === 'end') this.fail(`a value is missing after "${t.op}"`, t.start);
        const operand = this.expression(UNARY);
        // A sign before a quantity literal belongs to its magnitude: `-3 dBm` is minus 3 dBm,
        // not the opposite of 3 dBm (which has no logarithmic value).
        if (operand.kind === 'quantity') {
          return {
            ...operand,
            magnitude: t.op === '-' ? -operand.magnitude : operand.magnitude,
            start: t.start,
          };
        }
        return { kind: 'unary', operator: t.op, operand, start: t.start, end: operand.end };
      }
      default:
        return this.fail(t.op === ')' ? 'unmatched ")"' : `unexpected "${t.op}"`, t.start);
    }
  }

  private numberLiteral(t: Extract<Token, { kind: 'number' }>): ExpressionNode {
    const terms: UnitTerm[] = [];
    let end = t.end;
    for (;;) {
      let sign = 0;
      if (this.isUnitAt(0)) sign = 1;
      else if (
        terms.length > 0 &&
        this.isOperator(this.peek(), '/') &&
        this.peek(1).kind === 'identifier' &&
        this.isUnitAt(1)
      ) {
        this.next();
        sign = -1;
      }
      if (sign === 0) break;
      const u = this.next();
      let exponent = 1;
      // A literal integer power right after a unit belongs to it: `2 m^2` is 2 square metres.
      const p0 = this.peek();
      const p1 = this.peek(1);
      const p2 = this.peek(2);
      if (this.isOperator(p0, '^')) {
        if (p1.kind === 'number') {
          exponent = p1.value;
          this.pos += 2;
        } else if (this.isOperator(p1, '-') && p2.kind === 'number') {
          exponent = -p2.value;
          this.pos += 3;
        }
      }
      terms.push({
        symbol: u.kind === 'identifier' ? u.name : (u as { symbol: string }).symbol,
        exponent: sign * exponent,
      });
      end = this.previous().end;
    }
    if (terms.length === 0) {
      return { kind: 'number', value: t.value, isInteger: t.isInteger, start: t.start, end: t.end };
    }
    let unit: Unit;
    try {
      unit = Unit.fromTerms(terms);
    } catch (e) {
      if (e instanceof ShotlineError) {
        throw e.addContext({ expression: this.source, column: t.start + 1 });
      }
      throw e;
    }
    const node: QuantityNode = {
      kind: 'quantity',
      magnitude: t.value,
      isInteger: t.isInteger,
      unit,
      start: t.start,
      end,
    };
    return node;
  }

  /**
   * A name right after a number that is no unit but looks like one (`1 Mhz`, `3 ohms`) is a
   * misspelled unit, reported here with the closest units. Other names multiply (`2 pi`, `2 a`);
   * if they turn out to be neither a parameter nor a constant, compiling reports an undefined unit.
   */
  private checkUnitName(name: string, offset: number): void {
    if (CONSTANTS.has(name)) return;
    const suggestion = unitSuggestion(name);
    if (suggestion === '') return;
    throw new UndefinedUnitError(`undefined unit "${name}"${suggestion}`, {
      location: { expression: this.source, column: offset + 1 },
    });
  }

  private call(t: Extract<Token, { kind: 'identifier' }>): ExpressionNode {
    const spec = FUNCTIONS.get(t.name);
    if (spec === undefined) {
      throw new UndefinedFunctionError(`undefined function "${t.name}"`, {
        location: { expression: this.source, column: t.start + 1 },
      });
    }
    this.next(); // (
    const args: ExpressionNode[] = [];
    if (!this.isOperator(this.peek(), ')')) {
      for (;;) {
        args.push(this.expression(0));
        const sep = this.peek();
        if (this.isOperator(sep, ',')) {
          this.next();
          continue;
        }
        if (this.isOperator(sep, ')')) break;
        this.fail(
          `expected "," or ")" in the call of ${t.name}, found ${describe(sep)}`,
          sep.start,
        );
      }
    }
    const close = this.next();
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const expected =
        spec.minArgs === spec.maxArgs
          ? String(spec.minArgs)
          : spec.maxArgs === Infinity
            ? `at least ${spec.minArgs}`
            : `${spec.minArgs} to ${spec.maxArgs}`;
      throw new EvaluationError(
        `${t.name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length}`,
        { location: { expression: this.source, column: t.start + 1 } },
      );
    }
    return { kind: 'call', name: t.name, args, start: t.start, end: close.end };
  }
}

/**
 * Parses an expression into its syntax tree (see {@link ExpressionNode}). Throws
 * {@link ExpressionSyntaxError} (or {@link UndefinedFunctionError}, {@link UndefinedUnitError})
 * naming the expression and the 1-based column of the offending token.
 */
export function parseExpression(source: string): ExpressionNode {
  return new Parser(source).parse();
}
