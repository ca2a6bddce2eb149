import type { ErrorLocation } from '../errors/index.js';
import { type Result, err, ok } from '../result/index.js';
import type { JsonValue } from './session-storage.js';
import { InvalidStorageDataError } from './storage-errors.js';

/**
 * Describes why `value` is not storable JSON, or returns undefined when it is. Storable JSON is made
 * of `null`, booleans, finite numbers, strings, arrays and plain objects (no class instances, no
 * cycles). As in `JSON.stringify`, an object property whose value is `undefined` is left out; an
 * `undefined` anywhere else is refused.
 */
export function describeNonJson(value: unknown, where: string): string | undefined {
  const ancestors = new Set<object>();
  const visit = (v: unknown, at: string): string | undefined => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return undefined;
      case 'number':
        return Number.isFinite(v) ? undefined : `${at} is ${v}: only finite numbers can be stored`;
      case 'undefined':
        return `${at} is undefined`;
      case 'bigint':
        return `${at} is a bigint (${String(v)}n): store it as a number or a string`;
      case 'function':
        return `${at} is a function`;
      case 'symbol':
        return `${at} is a symbol`;
    }
    if (v === null) return undefined;
    const object = v as object;
    if (ancestors.has(object)) return `${at} refers to itself (a cycle)`;
    if (Array.isArray(object)) {
      ancestors.add(object);
      for (let i = 0; i < object.length; i++) {
        const problem = visit(object[i], `${at}[${i}]`);
        if (problem) return problem;
      }
      ancestors.delete(object);
      return undefined;
    }
    const proto: unknown = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      return `${at} is a ${name} instance: only plain objects, arrays and primitives are JSON (call its toJSON() first)`;
    }
    ancestors.add(object);
    for (const [key, item] of Object.entries(object)) {
      if (item === undefined) continue;
      const problem = visit(item, `${at}.${key}`);
      if (problem) return problem;
    }
    ancestors.delete(object);
    return undefined;
  };
  return visit(value, where);
}

/**
 * Checks that `value` is storable JSON (see {@link describeNonJson}) and serialises it. The error
 * names `what` (e.g. `iteration`, `data "cam\picture"`) and carries `location`.
 */
export function encodeStorageJson(
  value: unknown,
  what: string,
  location: ErrorLocation = {},
): Result<string, InvalidStorageDataError> {
  const problem = describeNonJson(value, what);
  if (problem !== undefined) {
    return err(new InvalidStorageDataError(`cannot store ${what}: ${problem}`, { location }));
  }
  return ok(JSON.stringify(value));
}

/**
 * Parses JSON text read from a database. Stored content that is not valid JSON (a corrupted or
 * hand-edited database) throws an {@link InvalidStorageDataError} naming what and where.
 */
export function decodeStorageJson(
  text: unknown,
  what: string,
  location: ErrorLocation = {},
): JsonValue {
  if (typeof text !== 'string') {
    throw new InvalidStorageDataError(`stored ${what} is not JSON text (got ${typeof text})`, {
      location,
    });
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new InvalidStorageDataError(`stored ${what} is not valid JSON: ${(e as Error).message}`, {
      location,
      cause: e,
    });
  }
}

/** Like {@link decodeStorageJson}, and the value must be a JSON object (e.g. shot parameters). */
export function decodeStorageJsonObject(
  text: unknown,
  what: string,
  location: ErrorLocation = {},
): Record<string, JsonValue> {
  const value = decodeStorageJson(text, what, location);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidStorageDataError(`stored ${what} is not a JSON object`, { location });
  }
  return value;
}
