import { parse } from 'yaml';
import { CliUsageError } from '../cli-errors.js';

/** True for a plain object (a YAML/JSON mapping). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One `key=value` pair of the command line. */
export interface Assignment {
  readonly key: string;
  readonly value: string;
}

/** Splits `key=value` at the first `=`; a missing `=` or key is a usage error quoting the text. */
export function parseAssignment(text: string, what: string): Assignment {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new CliUsageError(`expected ${what}=value, got "${text}"`);
  }
  return { key: text.slice(0, at).trim(), value: text.slice(at + 1).trim() };
}

/**
 * The value of a `--set key=value`: YAML scalars and flow collections (`true`, `3`, `[1, 2]`,
 * `{x: 1}`); anything that is not valid YAML, or is empty, stays text.
 */
export function parseSetValue(text: string): unknown {
  if (text === '') return '';
  try {
    return parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A copy of `target` with the value at a dotted path (`roi.width`, `channels.0.frequency`) replaced;
 * missing objects are created, list items are addressed by index.
 */
export function setAtPath(target: unknown, path: string, value: unknown): unknown {
  const keys = path.split('.');
  if (keys.some((k) => k === '')) throw new CliUsageError(`invalid key "${path}"`);
  const assign = (node: unknown, i: number): unknown => {
    const key = keys[i]!;
    const last = i === keys.length - 1;
    if (Array.isArray(node)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= node.length) {
        throw new CliUsageError(
          `"${keys.slice(0, i + 1).join('.')}": no item ${key} in a list of ${node.length}`,
        );
      }
      const copy = [...(node as unknown[])];
      copy[index] = last ? value : assign(copy[index], i + 1);
      return copy;
    }
    const object = isRecord(node) ? { ...node } : {};
    object[key] = last ? value : assign(object[key], i + 1);
    return object;
  };
  return assign(target, 0);
}
