import { z } from 'zod';
import { InvalidValueError, ShotlineError, withContext } from '../errors/index.js';
import { Expression } from '../expression/expression.js';
import { type DottedName, DottedName as Names } from './dotted-name.js';
import { Parameters } from './parameters.js';

/** One definition of a namespace: a name and an expression or a nested namespace. */
export type NamespaceEntry = readonly [DottedName, Expression | ParameterNamespace];

/** JSON of a namespace: `[["a", "1"], ["b", [["c", "2 MHz"]]]]`. */
export type ParameterNamespaceJson = [string, string | ParameterNamespaceJson][];

/** zod schema of the JSON of a {@link ParameterNamespace}. */
export const parameterNamespaceJsonSchema: z.ZodType<ParameterNamespaceJson> = z.array(
  z.tuple([z.string(), z.union([z.string(), z.lazy(() => parameterNamespaceJsonSchema)])]),
);

/** A nested mapping accepted by {@link ParameterNamespace.fromMapping}. */
export interface NamespaceMapping {
  readonly [name: string]: string | Expression | NamespaceMapping;
}

/**
 * The global parameters: an ordered list of definitions `name = expression`, where a value can be
 * a nested namespace (`mot: { detuning = -2 MHz }` defines `mot.detuning`). Duplicates are allowed
 * and the last definition wins. Immutable.
 */
export class ParameterNamespace {
  /** The definitions, in order. */
  readonly entries: readonly NamespaceEntry[];

  private constructor(entries: readonly NamespaceEntry[]) {
    this.entries = Object.freeze([...entries]);
  }

  /** The empty namespace. */
  static empty(): ParameterNamespace {
    return new ParameterNamespace([]);
  }

  /** A namespace from `[name, expression | namespace]` definitions (names are validated). */
  static fromEntries(
    entries: Iterable<readonly [string, string | Expression | ParameterNamespace]>,
  ): ParameterNamespace {
    const out: NamespaceEntry[] = [];
    for (const [name, value] of entries) {
      const n = Names.parse(name);
      try {
        out.push([n, typeof value === 'string' ? new Expression(value) : value]);
      } catch (e) {
        throw withContext(e, { parameter: n });
      }
    }
    return new ParameterNamespace(out);
  }

  /** A namespace from a nested object (`{ a: "1", mot: { detuning: "-2 MHz" } }`), in key order. */
  static fromMapping(mapping: NamespaceMapping): ParameterNamespace {
    return ParameterNamespace.fromEntries(
      Object.entries(mapping).map(([name, value]) => [
        name,
        typeof value === 'string' || value instanceof Expression
          ? value
          : ParameterNamespace.fromMapping(value as NamespaceMapping),
      ]),
    );
  }

  /** Restores a namespace from JSON; errors name the parameter. */
  static fromJSON(json: unknown): ParameterNamespace {
    const parsed = parameterNamespaceJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidValueError(
        `invalid parameter namespace at ${JSON.stringify(issue?.path ?? [])}: ${issue?.message ?? ''}`,
      );
    }
    const load = (entries: ParameterNamespaceJson, prefix: string): ParameterNamespace => {
      const out: NamespaceEntry[] = [];
      for (const [name, value] of entries) {
        const full = prefix === '' ? name : `${prefix}.${name}`;
        if (!Names.isValid(name)) {
          throw new InvalidValueError(
            `"${name}" is not a parameter name (identifiers joined by dots)`,
            { location: { parameter: full } },
          );
        }
        try {
          out.push([
            Names.parse(name),
            typeof value === 'string' ? new Expression(value) : load(value, full),
          ]);
        } catch (e) {
          throw withContext(e, { parameter: full });
        }
      }
      return new ParameterNamespace(out);
    };
    return load(parsed.data, '');
  }

  /** The definitions with nested names joined (`b.c`), in definition order. */
  flatten(): [DottedName, Expression][] {
    const out: [DottedName, Expression][] = [];
    for (const [name, value] of this.entries) {
      if (value instanceof Expression) out.push([name, value]);
      else
        for (const [inner, e] of value.flatten()) out.push([`${name}.${inner}` as DottedName, e]);
    }
    return out;
  }

  /** The distinct flattened names, in order of first definition. */
  names(): DottedName[] {
    return [...new Set(this.flatten().map(([n]) => n))];
  }

  /** The last definition of a (flattened) name, or undefined. */
  get(name: string): Expression | undefined {
    let found: Expression | undefined;
    for (const [n, e] of this.flatten()) if (n === name) found = e;
    return found;
  }

  /** A copy with a definition appended. */
  with(name: string, value: string | Expression | ParameterNamespace): ParameterNamespace {
    return new ParameterNamespace([
      ...this.entries,
      ...ParameterNamespace.fromEntries([[name, value]]).entries,
    ]);
  }

  /** A copy where every definition of `name` (flattened, nested or dotted) has `expression`. */
  replace(name: string, expression: string | Expression): ParameterNamespace {
    const e = typeof expression === 'string' ? new Expression(expression) : expression;
    const visit = (ns: ParameterNamespace, prefix: string): ParameterNamespace =>
      new ParameterNamespace(
        ns.entries.map(([n, v]) => {
          const full = prefix === '' ? n : `${prefix}.${n}`;
          if (v instanceof Expression) return full === name ? [n, e] : [n, v];
          return [n, visit(v, full)];
        }),
      );
    return visit(this, '');
  }

  /**
   * Evaluates the definitions in order; each sees the values before it (dotted names included) and
   * the `initial` parameters. A later definition overwrites an earlier one. Errors name the parameter.
   */
  evaluate(initial: Parameters = Parameters.empty): Parameters {
    let p = initial;
    for (const [name, expression] of this.flatten()) {
      try {
        const { value, type } = expression.evaluateTyped(p);
        p = p.withTrusted(name, value, type);
      } catch (e) {
        throw e instanceof ShotlineError
          ? e.addContext({ parameter: name })
          : withContext(e, { parameter: name });
      }
    }
    return p;
  }

  /** Equal flattened definitions. */
  equals(other: ParameterNamespace): boolean {
    const a = this.flatten();
    const b = other.flatten();
    return a.length === b.length && a.every(([n, e], i) => n === b[i]![0] && e.equals(b[i]![1]));
  }

  /** `[["a", "1"], ["b", [["c", "2"]]]]`. */
  toJSON(): ParameterNamespaceJson {
    return this.entries.map(([n, v]) => [n, v instanceof Expression ? v.source : v.toJSON()]);
  }
}
