import { ExpressionSyntaxError } from '../../errors/index.js';

/** A token of the expression language. */
export type Token =
  | { kind: 'number'; value: number; isInteger: boolean; start: number; end: number }
  | { kind: 'identifier'; name: string; start: number; end: number }
  | { kind: 'sign'; symbol: '%' | '°'; start: number; end: number }
  | {
      kind: 'operator';
      op: '+' | '-' | '*' | '/' | '^' | '(' | ')' | ',';
      start: number;
      end: number;
    }
  | { kind: 'end'; start: number; end: number };

const NUMBER_RE = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const IDENT_RE = /[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*/uy;
const SPACE_RE = /\s+/y;

/** Splits an expression into tokens; the last one is `end`. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    SPACE_RE.lastIndex = i;
    if (SPACE_RE.test(source)) {
      i = SPACE_RE.lastIndex;
      continue;
    }
    const c = source[i]!;
    NUMBER_RE.lastIndex = i;
    const num = NUMBER_RE.exec(source);
    if (num) {
      const text = num[0];
      tokens.push({
        kind: 'number',
        value: Number(text),
        isInteger: /^\d+$/.test(text),
        start: i,
        end: i + text.length,
      });
      i += text.length;
      continue;
    }
    IDENT_RE.lastIndex = i;
    const ident = IDENT_RE.exec(source);
    if (ident) {
      tokens.push({ kind: 'identifier', name: ident[0], start: i, end: i + ident[0].length });
      i += ident[0].length;
      continue;
    }
    if (c === '%' || c === '°') {
      tokens.push({ kind: 'sign', symbol: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '*' && source[i + 1] === '*') {
      tokens.push({ kind: 'operator', op: '^', start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if ('+-*/^(),'.includes(c)) {
      tokens.push({
        kind: 'operator',
        op: c as '+' | '-' | '*' | '/' | '^' | '(' | ')' | ',',
        start: i,
        end: i + 1,
      });
      i++;
      continue;
    }
    throw new ExpressionSyntaxError(`unexpected character "${c}"`, {
      location: { expression: source, column: i + 1 },
    });
  }
  tokens.push({ kind: 'end', start: source.length, end: source.length });
  return tokens;
}
