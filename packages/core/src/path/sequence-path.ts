import { z } from 'zod';
import { ShotlineError } from '../errors/index.js';

/** A string is not a valid sequence path or path name. The message quotes the bad part. */
export class InvalidPathError extends ShotlineError {
  static override readonly code: string = 'INVALID_PATH';
  static override readonly recoverable: boolean = true;
}

const SEPARATOR = '\\';
// Allowed characters of a name: Unicode letters, digits and underscore (\w), and these symbols.
// A name is one or more of them; after the first character spaces are allowed too.
const NAME_FIRST = String.raw`[\p{L}\p{N}\p{M}_.,;*'"\x60()\[\]{}+\-/=!@#$%^&~<>?|]`;
const NAME_REST = String.raw`[\p{L}\p{N}\p{M}_.,;*'"\x60()\[\]{}+\-/=!@#$%^&~<>?| ]`;
const NAME_RE = new RegExp(`^${NAME_FIRST}${NAME_REST}*$`, 'u');
const FIRST_RE = new RegExp(`^${NAME_FIRST}$`, 'u');
const REST_RE = new RegExp(`^${NAME_REST}$`, 'u');

function describeBadName(name: string): string | undefined {
  if (name.length === 0) return 'a name cannot be empty';
  const chars = [...name];
  if (!FIRST_RE.test(chars[0]!)) {
    return chars[0] === ' '
      ? 'a name cannot start with a space'
      : `character "${chars[0]}" is not allowed in a name`;
  }
  for (const c of chars.slice(1)) {
    if (!REST_RE.test(c)) return `character "${c === '\t' ? '\\t' : c}" is not allowed in a name`;
  }
  return undefined;
}

/**
 * Location of a folder or a sequence in the lab's tree, e.g. `\lab\mot\scan 3`. The separator is a
 * backslash and the root is `\`. Immutable; compare with {@link SequencePath.equals} or by string.
 *
 * The grammar is strict: `\` alone, or one or more `\name` where every name is valid (see
 * {@link SequencePath.isValidName}). `\a\` or `\a\\b` are rejected, naming the bad part.
 */
export class SequencePath {
  /** The root folder `\`. */
  static readonly root: SequencePath = new SequencePath([]);

  /** The names from the root down; empty for the root. */
  readonly parts: readonly string[];
  private readonly text: string;

  private constructor(parts: readonly string[]) {
    this.parts = Object.freeze([...parts]);
    this.text = parts.length === 0 ? SEPARATOR : SEPARATOR + parts.join(SEPARATOR);
  }

  /** True for a valid name: no separator, not empty, not starting with a space. */
  static isValidName(name: string): boolean {
    return NAME_RE.test(name);
  }

  /** True if `text` parses as a path. */
  static isValid(text: string): boolean {
    try {
      SequencePath.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Parses `\a\b`; throws {@link InvalidPathError} quoting the bad part. */
  static parse(text: string): SequencePath {
    if (typeof text !== 'string') {
      throw new InvalidPathError(`a sequence path must be a string, got ${typeof text}`);
    }
    if (text === SEPARATOR) return SequencePath.root;
    if (!text.startsWith(SEPARATOR)) {
      throw new InvalidPathError(
        `invalid path "${text}": a path starts with "\\" (for example "\\${text}")`,
      );
    }
    const parts = text.slice(1).split(SEPARATOR);
    parts.forEach((name, i) => {
      const problem = describeBadName(name);
      if (problem) {
        const which = name.length === 0 ? `empty part at position ${i + 1}` : `part "${name}"`;
        throw new InvalidPathError(`invalid path "${text}": ${which}: ${problem}`);
      }
    });
    return new SequencePath(parts);
  }

  /** Builds a path from names, validating each. */
  static fromParts(parts: readonly string[]): SequencePath {
    for (const name of parts) {
      const problem = describeBadName(name);
      if (problem) throw new InvalidPathError(`invalid path name "${name}": ${problem}`);
    }
    return new SequencePath(parts);
  }

  /** Accepts a path or its text. */
  static from(path: SequencePath | string): SequencePath {
    return path instanceof SequencePath ? path : SequencePath.parse(path);
  }

  /** The last name; undefined for the root. */
  get name(): string | undefined {
    return this.parts[this.parts.length - 1];
  }

  /** The containing folder; undefined for the root. */
  get parent(): SequencePath | undefined {
    return this.parts.length === 0 ? undefined : new SequencePath(this.parts.slice(0, -1));
  }

  /** Number of names (0 for the root). */
  get depth(): number {
    return this.parts.length;
  }

  isRoot(): boolean {
    return this.parts.length === 0;
  }

  /** This path and every ancestor up to the root, nearest first (`\a\b`, `\a`, `\`). */
  ancestors(): SequencePath[] {
    const result: SequencePath[] = [];
    for (let n = this.parts.length; n >= 0; n--)
      result.push(new SequencePath(this.parts.slice(0, n)));
    return result;
  }

  /** The child `name` (validated as one whole name). */
  join(name: string): SequencePath {
    const problem = describeBadName(name);
    if (problem) {
      throw new InvalidPathError(`cannot join "${name}" to "${this.text}": ${problem}`);
    }
    return new SequencePath([...this.parts, name]);
  }

  /** Strictly below `other` (a path is not its own descendant). */
  isDescendantOf(other: SequencePath): boolean {
    if (other.parts.length >= this.parts.length) return false;
    return other.parts.every((p, i) => this.parts[i] === p);
  }

  equals(other: SequencePath | string): boolean {
    return this.text === (typeof other === 'string' ? other : other.text);
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }
}

/** zod schema: a path string in, a {@link SequencePath} out; JSON is the string. */
export const sequencePathSchema = z.string().transform((text, ctx) => {
  try {
    return SequencePath.parse(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});
