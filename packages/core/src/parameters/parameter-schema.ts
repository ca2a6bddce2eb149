import { z } from 'zod';
import { InvalidTypeError, InvalidValueError } from '../errors/index.js';
import type { DottedName } from './dotted-name.js';
import { ParameterType, parameterTypeSchema } from './parameter-type.js';
import { Parameters, typedParametersJsonSchema } from './parameters.js';

/** zod schema of the JSON of a {@link ParameterSchema}. */
export const parameterSchemaJsonSchema = z.object({
  constants: typedParametersJsonSchema,
  variables: z.array(z.object({ name: z.string(), type: parameterTypeSchema })),
});

/** JSON of a {@link ParameterSchema}. */
export type ParameterSchemaJson = z.infer<typeof parameterSchemaJsonSchema>;

/**
 * What the parameters of a sequence look like before it runs: the constants (globals not set by the
 * iteration) with their values, and the variables (set by the iteration) with their types.
 */
export class ParameterSchema {
  /** No parameters. */
  static readonly empty: ParameterSchema = new ParameterSchema(Parameters.empty, new Map());

  /** Constant parameters and their values. */
  readonly constants: Parameters;
  /** Variable parameters and their types. */
  readonly variables: ReadonlyMap<DottedName, ParameterType>;

  /** Throws {@link InvalidValueError} if a name is both constant and variable. */
  constructor(constants: Parameters, variables: ReadonlyMap<string, ParameterType>) {
    for (const name of variables.keys()) {
      if (constants.has(name)) {
        throw new InvalidValueError(`"${name}" cannot be both a constant and a variable`, {
          location: { parameter: name },
        });
      }
    }
    this.constants = constants;
    this.variables = new Map(
      [...variables].map(([n, t]) => [n as DottedName, ParameterType.intern(t)]),
    );
  }

  /** All names: constants first, then variables. */
  get names(): DottedName[] {
    return [...this.constants.names, ...this.variables.keys()];
  }

  /** The type of a parameter, or undefined. */
  typeOf(name: string): ParameterType | undefined {
    return this.constants.typeOf(name) ?? this.variables.get(name as DottedName);
  }

  /** True for a constant parameter. */
  isConstant(name: string): boolean {
    return this.constants.has(name);
  }

  /** True for a variable parameter. */
  isVariable(name: string): boolean {
    return this.variables.has(name as DottedName);
  }

  /**
   * Checks that a shot's parameters have every variable with its type; throws
   * {@link InvalidTypeError} naming the first parameter that does not.
   */
  validate(parameters: Parameters): void {
    for (const [name, type] of this.variables) {
      const actual = parameters.typeOf(name);
      if (actual === undefined || !ParameterType.equals(actual, type)) {
        throw new InvalidTypeError(
          actual === undefined
            ? `the parameter is missing (expected ${ParameterType.format(type)})`
            : `the parameter is ${ParameterType.format(actual)}, the schema says ${ParameterType.format(type)}`,
          { location: { parameter: name } },
        );
      }
    }
  }

  /** `{ constants: [{ name, type, value }], variables: [{ name, type }] }`. */
  toJSON(): ParameterSchemaJson {
    return {
      constants: this.constants.toTypedJSON(),
      variables: [...this.variables].map(([name, type]) => ({ name, type: { ...type } })),
    };
  }

  /** Restores a schema from its JSON. */
  static fromJSON(json: unknown): ParameterSchema {
    const parsed = parameterSchemaJsonSchema.safeParse(json);
    if (!parsed.success) {
      throw new InvalidValueError(
        `invalid parameter schema: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    return new ParameterSchema(
      Parameters.fromTypedJSON(parsed.data.constants),
      new Map(parsed.data.variables.map((v) => [v.name, ParameterType.intern(v.type)])),
    );
  }
}
