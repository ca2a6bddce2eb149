// Close matches of a misspelled unit symbol, for error messages and for telling a misspelled unit
// from a parameter name after a number (`1 Mhz` is a typo of `MHz`; `2 a` multiplies by `a`).
import { UNIT_PREFIXES, UNIT_SYMBOLS, lookupUnitSymbol } from './unit-definitions.js';

let allSymbols: readonly string[] | undefined;

/** Every symbol usable in expressions: each unit, and each prefixed unit that takes prefixes. */
function everySymbol(): readonly string[] {
  if (allSymbols === undefined) {
    const out = new Set<string>(UNIT_SYMBOLS);
    for (const prefix of UNIT_PREFIXES) {
      for (const symbol of UNIT_SYMBOLS) {
        if (lookupUnitSymbol(prefix + symbol) !== undefined) out.add(prefix + symbol);
      }
    }
    allSymbols = [...out];
  }
  return allSymbols;
}

/** Number of positions where two strings of one length differ. */
function differences(a: string, b: string): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** True if one insertion, deletion, substitution or swap of neighbours turns `a` into `b`. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * The unit symbols `name` is most likely a misspelling of, best first; empty when it does not look
 * like a unit. A name of 2 or more characters that is a unit in another case (`Mhz`, `mv`, `DBM`)
 * matches those units, fewest case changes first; a name of 4 or more characters matches the unit
 * symbols of 3 or more characters one edit away (`ohms`, `MHzz`). Shorter names are too often
 * parameters (`2 a`, `3 dx`) to be taken for units.
 */
export function similarUnitSymbols(name: string): string[] {
  if (name.length < 2 || name.includes('.') || lookupUnitSymbol(name) !== undefined) return [];
  const lower = name.toLowerCase();
  const symbols = everySymbol();
  const sameLetters = symbols
    .filter((s) => s.length === name.length && s.toLowerCase() === lower)
    .sort((a, b) => differences(a, name) - differences(b, name));
  if (sameLetters.length > 0) return sameLetters;
  if (name.length < 4) return [];
  return symbols.filter((s) => s.length >= 3 && oneEditApart(name, s));
}

/** `; did you mean "MHz"?` (up to 3 symbols) for a name that looks like a misspelled unit, else `''`. */
export function unitSuggestion(name: string): string {
  const similar = similarUnitSymbols(name).slice(0, 3);
  return similar.length === 0 ? '' : `; did you mean ${similar.map((s) => `"${s}"`).join(' or ')}?`;
}
