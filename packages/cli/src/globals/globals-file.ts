import { Expression, ParameterNamespace, type NamespaceMapping } from '@shotline/core';
import { stringify } from 'yaml';
import type { DocumentPath, SourceDocument } from '../input/source-document.js';
import { isRecord } from '../input/values.js';

/**
 * Reads a globals file: a nested YAML/JSON mapping of names to expressions, in order
 * (`mot: { detuning: -2 MHz }`, `n: 3`), or core's JSON list form
 * (`[["mot", [["detuning", "-2 MHz"]]], ["n", "3"]]`). Numbers are taken as expressions; `true` and
 * `false` become `Enabled` and `Disabled`. Errors name the file, line, column and parameter.
 */
export function parseGlobalsFile(source: SourceDocument): ParameterNamespace {
  const value = source.value;
  if (Array.isArray(value)) {
    try {
      return ParameterNamespace.fromJSON(value);
    } catch (e) {
      throw source.locate(e, []);
    }
  }
  if (value === null || value === undefined) return ParameterNamespace.empty();
  if (!isRecord(value)) {
    throw source.error([], 'expected a mapping of parameter names to expressions');
  }
  const mapping = (node: Record<string, unknown>, path: DocumentPath): NamespaceMapping => {
    const out: Record<string, string | NamespaceMapping> = {};
    for (const [name, v] of Object.entries(node)) {
      const at = [...path, name];
      if (isRecord(v)) {
        out[name] = mapping(v, at);
        continue;
      }
      const text =
        typeof v === 'number'
          ? String(v)
          : typeof v === 'boolean'
            ? v
              ? 'Enabled'
              : 'Disabled'
            : v;
      if (typeof text !== 'string' || text.trim() === '') {
        throw source.error(at, `expected an expression such as "10 MHz", got ${JSON.stringify(v)}`);
      }
      try {
        new Expression(text);
      } catch (e) {
        throw source.locate(e, at);
      }
      out[name] = text;
    }
    return out;
  };
  const tree = mapping(value, []);
  try {
    return ParameterNamespace.fromMapping(tree);
  } catch (e) {
    throw source.locate(e, []);
  }
}

/** The nested mapping of a namespace, or its JSON list form when a name is defined twice. */
export function globalsToFileValue(globals: ParameterNamespace): unknown {
  const seen = new Set<string>();
  const toMapping = (ns: ParameterNamespace): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of ns.entries) {
      if (seen.has(name) && !(value instanceof ParameterNamespace)) return undefined;
      if (name in out) return undefined;
      if (value instanceof Expression) out[name] = value.source;
      else {
        const inner = toMapping(value);
        if (inner === undefined) return undefined;
        out[name] = inner;
      }
    }
    return out;
  };
  return toMapping(globals) ?? globals.toJSON();
}

/** The YAML text of a globals file. */
export function formatGlobalsFile(globals: ParameterNamespace): string {
  return stringify(globalsToFileValue(globals), { lineWidth: 0 });
}
