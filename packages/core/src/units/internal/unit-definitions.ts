import { Dimension } from '../dimension.js';

/** What one unit symbol (possibly prefixed) means. */
export interface AtomDefinition {
  /** Value of 1 of this unit in SI base units (for log units: the reference level). */
  readonly factor: number;
  readonly dimension: Dimension;
  /** Logarithmic unit (`dB`, `dBm`): value = factor * 10^(magnitude / 10). */
  readonly logarithmic: boolean;
  /** An angle unit (`rad`, `deg`, `°`): dimensionless, but kept as a display unit. */
  readonly angle: boolean;
  /** The unprefixed symbol (`s` for `ms`): terms of one base merge when units are multiplied. */
  readonly base: string;
}

interface Atom {
  readonly factor: number;
  readonly dimension: Dimension;
  readonly prefixable: boolean;
  readonly logarithmic?: boolean;
  readonly angle?: boolean;
}

const d = (kg: number, m: number, s: number, A = 0, K = 0, mol = 0, cd = 0): Dimension =>
  new Dimension([kg, m, s, A, K, mol, cd]);

const NONE = Dimension.dimensionless;
const POWER = d(1, 2, -3);
const VOLTAGE = d(1, 2, -3, -1);

// Every symbol usable in expressions and unit texts. The reference's set (s, Hz, W, dBm, dB, %, A, V,
// m, deg, °, rad) plus the common SI derived units of a lab.
const ATOMS: ReadonlyMap<string, Atom> = new Map<string, Atom>([
  ['s', { factor: 1, dimension: d(0, 0, 1), prefixable: true }],
  ['Hz', { factor: 1, dimension: d(0, 0, -1), prefixable: true }],
  ['m', { factor: 1, dimension: d(0, 1, 0), prefixable: true }],
  ['g', { factor: 1e-3, dimension: d(1, 0, 0), prefixable: true }],
  ['A', { factor: 1, dimension: d(0, 0, 0, 1), prefixable: true }],
  ['K', { factor: 1, dimension: d(0, 0, 0, 0, 1), prefixable: true }],
  ['mol', { factor: 1, dimension: d(0, 0, 0, 0, 0, 1), prefixable: true }],
  ['cd', { factor: 1, dimension: d(0, 0, 0, 0, 0, 0, 1), prefixable: true }],
  ['V', { factor: 1, dimension: VOLTAGE, prefixable: true }],
  ['W', { factor: 1, dimension: POWER, prefixable: true }],
  ['J', { factor: 1, dimension: d(1, 2, -2), prefixable: true }],
  ['N', { factor: 1, dimension: d(1, 1, -2), prefixable: true }],
  ['Pa', { factor: 1, dimension: d(1, -1, -2), prefixable: true }],
  ['C', { factor: 1, dimension: d(0, 0, 1, 1), prefixable: true }],
  ['ohm', { factor: 1, dimension: d(1, 2, -3, -2), prefixable: true }],
  ['\u03a9', { factor: 1, dimension: d(1, 2, -3, -2), prefixable: true }], // Greek capital omega
  ['\u2126', { factor: 1, dimension: d(1, 2, -3, -2), prefixable: true }], // ohm sign
  ['F', { factor: 1, dimension: d(-1, -2, 4, 2), prefixable: true }],
  ['H', { factor: 1, dimension: d(1, 2, -2, -2), prefixable: true }],
  ['Wb', { factor: 1, dimension: d(1, 2, -2, -1), prefixable: true }],
  ['T', { factor: 1, dimension: d(1, 0, -2, -1), prefixable: true }],
  ['G', { factor: 1e-4, dimension: d(1, 0, -2, -1), prefixable: true }],
  ['rad', { factor: 1, dimension: NONE, prefixable: true, angle: true }],
  ['deg', { factor: Math.PI / 180, dimension: NONE, prefixable: false, angle: true }],
  ['°', { factor: Math.PI / 180, dimension: NONE, prefixable: false, angle: true }],
  ['%', { factor: 1e-2, dimension: NONE, prefixable: false }],
  ['percent', { factor: 1e-2, dimension: NONE, prefixable: false }],
  ['ppm', { factor: 1e-6, dimension: NONE, prefixable: false }],
  ['dB', { factor: 1, dimension: NONE, prefixable: false, logarithmic: true }],
  ['dBm', { factor: 1e-3, dimension: POWER, prefixable: false, logarithmic: true }],
]);

const PREFIXES: ReadonlyMap<string, number> = new Map([
  ['P', 1e15],
  ['T', 1e12],
  ['G', 1e9],
  ['M', 1e6],
  ['k', 1e3],
  ['c', 1e-2],
  ['d', 1e-1],
  ['m', 1e-3],
  ['u', 1e-6],
  ['µ', 1e-6], // U+00B5 micro sign
  ['μ', 1e-6], // U+03BC Greek mu
  ['n', 1e-9],
  ['p', 1e-12],
  ['f', 1e-15],
  ['a', 1e-18],
]);

/** Product of a prefix and a factor, rounded to 15 digits (1e-3 * 1e-6 is not 1e-9 in floats). */
function scale(prefix: number, factor: number): number {
  return Number((prefix * factor).toPrecision(15));
}

// Memo of lookups (bounded): parsing an expression looks up every identifier.
const LOOKUPS = new Map<string, AtomDefinition | null>();

/** The definition of a unit symbol such as `MHz`, `µs`, `dBm`, or undefined if it is not one. */
export function lookupUnitSymbol(symbol: string): AtomDefinition | undefined {
  let found = LOOKUPS.get(symbol);
  if (found === undefined) {
    found = resolveUnitSymbol(symbol) ?? null;
    if (LOOKUPS.size < 10_000) LOOKUPS.set(symbol, found);
  }
  return found ?? undefined;
}

function resolveUnitSymbol(symbol: string): AtomDefinition | undefined {
  const atom = ATOMS.get(symbol);
  if (atom !== undefined) {
    return {
      factor: atom.factor,
      dimension: atom.dimension,
      logarithmic: atom.logarithmic ?? false,
      angle: atom.angle ?? false,
      base: symbol,
    };
  }
  const chars = [...symbol];
  if (chars.length < 2) return undefined;
  const prefix = PREFIXES.get(chars[0]!);
  const baseSymbol = chars.slice(1).join('');
  const base = ATOMS.get(baseSymbol);
  if (prefix === undefined || base === undefined || !base.prefixable) return undefined;
  return {
    factor: scale(prefix, base.factor),
    dimension: base.dimension,
    logarithmic: false,
    angle: base.angle ?? false,
    base: baseSymbol,
  };
}

/** All unprefixed unit symbols, for documentation and tests. */
export const UNIT_SYMBOLS: readonly string[] = [...ATOMS.keys()];

/** All prefixes, for documentation and tests. */
export const UNIT_PREFIXES: readonly string[] = [...PREFIXES.keys()];
