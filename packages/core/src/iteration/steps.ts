import { z } from 'zod';
import { InvalidValueError } from '../errors/index.js';
import { Expression } from '../expression/expression.js';
import { type DottedName, DottedName as Names } from '../parameters/dotted-name.js';

/** The shuffle option of a loop: its values are visited in a random order drawn from `seed`. */
export interface ShuffleOption {
  /** uint32 seed, stored with the iteration so that the order is reproducible. */
  readonly seed: number;
}

/** Draws a new random seed for a {@link ShuffleOption}. */
export function randomShuffleSeed(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

type ExpressionInput = string | Expression;

const expr = (e: ExpressionInput): Expression => (typeof e === 'string' ? new Expression(e) : e);

function shuffleOption(shuffle: ShuffleOption | boolean | undefined): ShuffleOption | undefined {
  if (shuffle === undefined || shuffle === false) return undefined;
  if (shuffle === true) return Object.freeze({ seed: randomShuffleSeed() });
  if (!Number.isInteger(shuffle.seed) || shuffle.seed < 0 || shuffle.seed >= 2 ** 32) {
    throw new InvalidValueError(`a shuffle seed is an integer in [0, 2^32), not ${shuffle.seed}`);
  }
  return Object.freeze({ seed: shuffle.seed });
}

function checkCount(what: string, num: number): number {
  if (!Number.isSafeInteger(num) || num < 0) {
    throw new InvalidValueError(`${what} must be a whole number >= 0, not ${num}`);
  }
  return num;
}

/** Sets a variable to the value of an expression, evaluated with the variables set before it. */
export class VariableDeclaration {
  readonly kind = 'declare' as const;
  readonly variable: DottedName;
  readonly value: Expression;

  constructor(variable: string, value: ExpressionInput) {
    this.variable = Names.parse(variable);
    this.value = expr(value);
    Object.freeze(this);
  }

  /** `declare a`. */
  describe(): string {
    return `declare ${this.variable}`;
  }

  /** `a = 2 * b`. */
  toString(): string {
    return `${this.variable} = ${this.value.source}`;
  }
}

/** Runs one shot with the current variables. */
export class ExecuteShot {
  readonly kind = 'shot' as const;

  /** `shot`. */
  describe(): string {
    return 'shot';
  }
}

/** Options of {@link LinspaceLoop}. */
export interface LinspaceLoopInit {
  variable: string;
  start: ExpressionInput;
  stop: ExpressionInput;
  /** Number of values (stop included), >= 0. */
  num: number;
  steps?: readonly Step[];
  /** `true` draws a seed; a stored option keeps its seed. */
  shuffle?: ShuffleOption | boolean;
}

/**
 * `num` evenly spaced values from `start` to `stop`, **stop included** (numpy's linspace). Values
 * are floats, or quantities in the unit of `start` (stop is converted to it).
 */
export class LinspaceLoop {
  readonly kind = 'linspace' as const;
  readonly variable: DottedName;
  readonly start: Expression;
  readonly stop: Expression;
  readonly num: number;
  readonly steps: readonly Step[];
  readonly shuffle: ShuffleOption | undefined;

  constructor(init: LinspaceLoopInit) {
    this.variable = Names.parse(init.variable);
    this.start = expr(init.start);
    this.stop = expr(init.stop);
    this.num = checkCount('the number of values', init.num);
    this.steps = Object.freeze([...(init.steps ?? [])]);
    this.shuffle = shuffleOption(init.shuffle);
    Object.freeze(this);
  }

  /** `linspace x`. */
  describe(): string {
    return `linspace ${this.variable}`;
  }
}

/** Options of {@link ArangeLoop}. */
export interface ArangeLoopInit {
  variable: string;
  start: ExpressionInput;
  stop: ExpressionInput;
  step: ExpressionInput;
  steps?: readonly Step[];
  shuffle?: ShuffleOption | boolean;
}

/**
 * Values `start, start + step, ...` below `stop`, **stop excluded** (numpy's arange). Ints when
 * start, stop and step are ints; otherwise floats or quantities in the unit of `start`.
 */
export class ArangeLoop {
  readonly kind = 'arange' as const;
  readonly variable: DottedName;
  readonly start: Expression;
  readonly stop: Expression;
  readonly step: Expression;
  readonly steps: readonly Step[];
  readonly shuffle: ShuffleOption | undefined;

  constructor(init: ArangeLoopInit) {
    this.variable = Names.parse(init.variable);
    this.start = expr(init.start);
    this.stop = expr(init.stop);
    this.step = expr(init.step);
    this.steps = Object.freeze([...(init.steps ?? [])]);
    this.shuffle = shuffleOption(init.shuffle);
    Object.freeze(this);
  }

  /** `arange x`. */
  describe(): string {
    return `arange ${this.variable}`;
  }
}

/** A column of a {@link ZipLoop}: a list of values, or a linspace. */
export type ZipColumn =
  | { readonly variable: DottedName; readonly values: readonly Expression[] }
  | {
      readonly variable: DottedName;
      readonly start: Expression;
      readonly stop: Expression;
      readonly num: number;
    };

/** Input form of a {@link ZipColumn}. */
export type ZipColumnInit =
  | { variable: string; values: readonly ExpressionInput[] }
  | { variable: string; start: ExpressionInput; stop: ExpressionInput; num: number };

/** Options of {@link ZipLoop}. */
export interface ZipLoopInit {
  columns: readonly ZipColumnInit[];
  steps?: readonly Step[];
  shuffle?: ShuffleOption | boolean;
}

/** Number of values of a zip column. */
export function zipColumnLength(column: ZipColumn): number {
  return 'values' in column ? column.values.length : column.num;
}

/**
 * Several variables stepped in lockstep: the i-th iteration sets every column's i-th value.
 * Columns are value lists or linspaces and must have the same length (checked on construction).
 */
export class ZipLoop {
  readonly kind = 'zip' as const;
  readonly columns: readonly ZipColumn[];
  readonly steps: readonly Step[];
  readonly shuffle: ShuffleOption | undefined;

  constructor(init: ZipLoopInit) {
    if (init.columns.length === 0)
      throw new InvalidValueError('a zip loop needs at least one column');
    this.columns = Object.freeze(
      init.columns.map((c): ZipColumn =>
        Object.freeze(
          'values' in c
            ? { variable: Names.parse(c.variable), values: Object.freeze(c.values.map(expr)) }
            : {
                variable: Names.parse(c.variable),
                start: expr(c.start),
                stop: expr(c.stop),
                num: checkCount(`the number of values of ${c.variable}`, c.num),
              },
        ),
      ),
    );
    const names = new Set<string>();
    for (const c of this.columns) {
      if (names.has(c.variable)) throw new InvalidValueError(`"${c.variable}" is zipped twice`);
      names.add(c.variable);
    }
    const lengths = this.columns.map(zipColumnLength);
    if (lengths.some((n) => n !== lengths[0])) {
      throw new InvalidValueError(
        `zipped columns must have the same length: ${this.columns
          .map((c, i) => `${c.variable} has ${lengths[i]}`)
          .join(', ')}`,
      );
    }
    this.steps = Object.freeze([...(init.steps ?? [])]);
    this.shuffle = shuffleOption(init.shuffle);
    Object.freeze(this);
  }

  /** Number of iterations. */
  get length(): number {
    return zipColumnLength(this.columns[0]!);
  }

  /** `zip (x, y)`. */
  describe(): string {
    return `zip (${this.columns.map((c) => c.variable).join(', ')})`;
  }
}

/** A step of the iteration. */
export type Step = VariableDeclaration | ExecuteShot | LinspaceLoop | ArangeLoop | ZipLoop;

/** A step that contains sub-steps. */
export type LoopStep = LinspaceLoop | ArangeLoop | ZipLoop;

/** True for loops. */
export function isLoopStep(step: Step): step is LoopStep {
  return step.kind === 'linspace' || step.kind === 'arange' || step.kind === 'zip';
}

/** The variables a loop sets. */
export function loopVariables(step: LoopStep): DottedName[] {
  return step.kind === 'zip' ? step.columns.map((c) => c.variable) : [step.variable];
}

/** JSON of a step (see {@link stepJsonSchema}). */
export type StepJson =
  | { kind: 'declare'; variable: string; value: string }
  | { kind: 'shot' }
  | {
      kind: 'linspace';
      variable: string;
      start: string;
      stop: string;
      num: number;
      shuffle?: { seed: number } | undefined;
      steps: StepJson[];
    }
  | {
      kind: 'arange';
      variable: string;
      start: string;
      stop: string;
      step: string;
      shuffle?: { seed: number } | undefined;
      steps: StepJson[];
    }
  | {
      kind: 'zip';
      columns: (
        | { variable: string; values: string[] }
        | { variable: string; start: string; stop: string; num: number }
      )[];
      shuffle?: { seed: number } | undefined;
      steps: StepJson[];
    };

const shuffleJsonSchema = z
  .object({
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1),
  })
  .optional();

/**
 * zod schema of a step, told apart by `kind`:
 * - `{ "kind": "declare", "variable": "a", "value": "2 * b" }`
 * - `{ "kind": "shot" }`
 * - `{ "kind": "linspace", "variable": "x", "start": "0", "stop": "1 MHz", "num": 10, "steps": [...], "shuffle"?: { "seed": 42 } }`
 * - `{ "kind": "arange", "variable": "x", "start": "0", "stop": "10", "step": "1", "steps": [...], "shuffle"?: {...} }`
 * - `{ "kind": "zip", "columns": [{ "variable": "x", "values": ["1", "2"] }, { "variable": "y", "start": "0", "stop": "1", "num": 2 }], "steps": [...], "shuffle"?: {...} }`
 */
export const stepJsonSchema: z.ZodType<StepJson> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('declare'), variable: z.string(), value: z.string() }),
    z.object({ kind: z.literal('shot') }),
    z.object({
      kind: z.literal('linspace'),
      variable: z.string(),
      start: z.string(),
      stop: z.string(),
      num: z.int().min(0),
      shuffle: shuffleJsonSchema,
      steps: z.array(stepJsonSchema),
    }),
    z.object({
      kind: z.literal('arange'),
      variable: z.string(),
      start: z.string(),
      stop: z.string(),
      step: z.string(),
      shuffle: shuffleJsonSchema,
      steps: z.array(stepJsonSchema),
    }),
    z.object({
      kind: z.literal('zip'),
      columns: z
        .array(
          z.union([
            z.object({ variable: z.string(), values: z.array(z.string()) }).strict(),
            z
              .object({
                variable: z.string(),
                start: z.string(),
                stop: z.string(),
                num: z.int().min(0),
              })
              .strict(),
          ]),
        )
        .min(1),
      shuffle: shuffleJsonSchema,
      steps: z.array(stepJsonSchema),
    }),
  ]),
);

/** The JSON of a step. */
export function stepToJSON(step: Step): StepJson {
  const shuffle = (s: ShuffleOption | undefined): { shuffle?: { seed: number } } =>
    s === undefined ? {} : { shuffle: { seed: s.seed } };
  switch (step.kind) {
    case 'declare':
      return { kind: 'declare', variable: step.variable, value: step.value.source };
    case 'shot':
      return { kind: 'shot' };
    case 'linspace':
      return {
        kind: 'linspace',
        variable: step.variable,
        start: step.start.source,
        stop: step.stop.source,
        num: step.num,
        ...shuffle(step.shuffle),
        steps: step.steps.map(stepToJSON),
      };
    case 'arange':
      return {
        kind: 'arange',
        variable: step.variable,
        start: step.start.source,
        stop: step.stop.source,
        step: step.step.source,
        ...shuffle(step.shuffle),
        steps: step.steps.map(stepToJSON),
      };
    case 'zip':
      return {
        kind: 'zip',
        columns: step.columns.map((c) =>
          'values' in c
            ? { variable: c.variable, values: c.values.map((v) => v.source) }
            : { variable: c.variable, start: c.start.source, stop: c.stop.source, num: c.num },
        ),
        ...shuffle(step.shuffle),
        steps: step.steps.map(stepToJSON),
      };
  }
}
