import { z } from 'zod';
import { InvalidValueError } from '../errors/index.js';

/**
 * A parameter name such as `mot.detuning`: identifiers (letters, digits, underscore, not starting
 * with a digit) joined by dots. A branded string: compare and hash it as a plain string.
 */
export type DottedName = string & { readonly __brand: 'DottedName' };

const PART_RE = /^[\p{L}_][\p{L}\p{N}_]*$/u;
const NAME_RE = /^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u;

function describeBadName(text: string): string | undefined {
  if (text.length === 0) return 'a parameter name cannot be empty';
  for (const part of text.split('.')) {
    if (!PART_RE.test(part)) {
      return part.length === 0
        ? `"${text}" has an empty part (two dots, or a dot at an end)`
        : `"${part}" in "${text}" is not an identifier (letters, digits and _, not starting with a digit)`;
    }
  }
  return undefined;
}

/** Helpers for {@link DottedName}. */
export const DottedName = {
  /** True if `text` is a valid dotted name. */
  isValid(text: string): text is DottedName {
    return NAME_RE.test(text);
  },
  /** Validates `text`; throws {@link InvalidValueError} naming the bad part. */
  parse(text: string): DottedName {
    if (NAME_RE.test(text)) return text as DottedName;
    throw new InvalidValueError(describeBadName(text) ?? `"${text}" is not a parameter name`, {
      location: { parameter: text },
    });
  },
  /** The identifiers: `a.b.c` gives `["a", "b", "c"]`. */
  parts(name: DottedName): string[] {
    return name.split('.');
  },
  /** Joins identifiers or dotted names: `join("a", "b.c")` is `a.b.c`. */
  join(...parts: string[]): DottedName {
    return DottedName.parse(parts.join('.'));
  },
};

/** zod schema of a dotted name (a validated string). */
export const dottedNameSchema = z
  .string()
  .refine((s) => NAME_RE.test(s), { error: (issue) => describeBadName(String(issue.input)) })
  .transform((s) => s as DottedName);
