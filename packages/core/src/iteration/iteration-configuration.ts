import { z } from 'zod';
import {
  InvalidValueError,
  ShotlineError,
  UndefinedVariableError,
  withContext,
} from '../errors/index.js';
import type { DottedName } from '../parameters/dotted-name.js';
import type { ParameterType } from '../parameters/parameter-type.js';
import { ParameterSchema } from '../parameters/parameter-schema.js';
import { Parameters } from '../parameters/parameters.js';
import {
  type LoopValues,
  arangeValues,
  linspaceValues,
  zipColumnValues,
} from './internal/loop-values.js';
import { mulberry32, permutation } from './internal/prng.js';
import {
  ArangeLoop,
  ExecuteShot,
  LinspaceLoop,
  type LoopStep,
  type Step,
  type StepJson,
  VariableDeclaration,
  ZipLoop,
  isLoopStep,
  loopVariables,
  stepJsonSchema,
  stepToJSON,
} from './steps.js';

/** zod schema of the JSON of an {@link IterationConfiguration}: `{ "steps": [...] }`. */
export const iterationConfigurationJsonSchema = z.object({ steps: z.array(stepJsonSchema) });

/** JSON of an {@link IterationConfiguration}. */
export type IterationConfigurationJson = z.infer<typeof iterationConfigurationJsonSchema>;

/** `step 3` or `step 1.2` (0-based indices, nested with dots). */
function stepPath(prefix: string, index: number): string {
  return prefix === '' ? String(index) : `${prefix}.${index}`;
}

/** The location label of a step: `step 1.2, linspace x`. */
function stepLabel(path: string, step: Step): string {
  return `step ${path}, ${step.describe()}`;
}

function addStep(e: unknown, path: string, step: Step): Error {
  return withContext(e, { step: stepLabel(path, step) });
}

/** Mutable per-walk state: one PRNG per shuffled loop, so each entry draws a new order. */
type WalkState = Map<LoopStep, () => number>;

function loopValues(step: LoopStep, ctx: Parameters): LoopValues[] {
  switch (step.kind) {
    case 'linspace':
      return [linspaceValues(step, ctx)];
    case 'arange':
      return [arangeValues(step, ctx)];
    case 'zip':
      return step.columns.map((c) => zipColumnValues(c, ctx));
  }
}

function declare(step: VariableDeclaration, ctx: Parameters, path: string): Parameters {
  try {
    const { value, type } = step.value.evaluateTyped(ctx);
    return ctx.withTrusted(step.variable, value, type);
  } catch (e) {
    throw addStep(e, path, step);
  }
}

function* walkSteps(
  steps: readonly Step[],
  initial: Parameters,
  prefix: string,
  state: WalkState,
): Generator<Parameters, Parameters, undefined> {
  let ctx = initial;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    switch (step.kind) {
      case 'shot':
        yield ctx;
        break;
      case 'declare':
        ctx = declare(step, ctx, stepPath(prefix, i));
        break;
      default:
        ctx = yield* walkLoop(step, ctx, stepPath(prefix, i), state);
    }
  }
  return ctx;
}

function* walkLoop(
  step: LoopStep,
  initial: Parameters,
  path: string,
  state: WalkState,
): Generator<Parameters, Parameters, undefined> {
  let columns: LoopValues[];
  try {
    columns = loopValues(step, initial);
  } catch (e) {
    throw addStep(e, path, step);
  }
  const variables = loopVariables(step);
  const length = columns[0]!.length;
  let order: Uint32Array | undefined;
  if (step.shuffle !== undefined) {
    let random = state.get(step);
    if (random === undefined) {
      random = mulberry32(step.shuffle.seed);
      state.set(step, random);
    }
    order = permutation(length, random);
  }
  const body = step.steps;
  const flat = !body.some(isLoopStep);
  let ctx = initial;
  for (let k = 0; k < length; k++) {
    const index = order === undefined ? k : order[k]!;
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c]!;
      ctx = ctx.withTrusted(variables[c]!, column.at(index), column.type);
    }
    if (flat) {
      // Fast path for innermost loops: no nested generator per iteration.
      for (let i = 0; i < body.length; i++) {
        const s = body[i]!;
        if (s.kind === 'shot') yield ctx;
        else ctx = declare(s as VariableDeclaration, ctx, stepPath(path, i));
      }
    } else {
      ctx = yield* walkSteps(body, ctx, path, state);
    }
  }
  return ctx;
}

/** Shot count arithmetic where `null` is "unknown": 0 absorbs, unknown absorbs the rest. */
function times(a: number | null, b: number | null): number | null {
  if (a === 0 || b === 0) return 0;
  return a === null || b === null ? null : a * b;
}

function plus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

/** Names assigned anywhere in `steps` (declarations and loop variables). */
function assignedNames(steps: readonly Step[], out = new Set<DottedName>()): Set<DottedName> {
  for (const step of steps) {
    if (step.kind === 'declare') out.add(step.variable);
    else if (isLoopStep(step)) {
      for (const v of loopVariables(step)) out.add(v);
      assignedNames(step.steps, out);
    }
  }
  return out;
}

function forget(known: Parameters, names: Iterable<string>): Parameters {
  let k = known;
  for (const n of names) k = k.without(n);
  return k;
}

/**
 * Static shot count: walks the steps once with the values that are known without running
 * (constants and declarations computed from them); a loop's variables and what its body assigns
 * are unknown inside it. Returns the count (null if it depends on unknown values) and what is
 * known after the steps.
 */
function countSteps(
  steps: readonly Step[],
  initial: Parameters,
  prefix: string,
): { count: number | null; known: Parameters } {
  let known = initial;
  let count: number | null = 0;
  steps.forEach((step, i) => {
    const path = stepPath(prefix, i);
    switch (step.kind) {
      case 'shot':
        count = plus(count, 1);
        break;
      case 'declare':
        try {
          const { value, type } = step.value.evaluateTyped(known);
          known = known.withTrusted(step.variable, value, type);
        } catch {
          // Depends on something unknown here (or is wrong, which the walk reports).
          known = known.without(step.variable);
        }
        break;
      default: {
        let columns: LoopValues[] | undefined;
        try {
          columns = loopValues(step, known);
        } catch (e) {
          if (!(e instanceof UndefinedVariableError)) throw addStep(e, path, step);
        }
        const n = columns === undefined ? null : columns[0]!.length;
        const inside = forget(known, [...loopVariables(step), ...assignedNames(step.steps)]);
        const body = countSteps(step.steps, inside, path).count;
        count = plus(count, times(n, body));
        if (n === null || (n > 0 && step.shuffle !== undefined)) {
          known = forget(known, [...loopVariables(step), ...assignedNames(step.steps)]);
        } else if (n > 0) {
          // After the loop: the last values, and what the body computes from them.
          let last = inside;
          loopVariables(step).forEach((v, c) => {
            const column = columns![c]!;
            last = last.withTrusted(v, column.at(n - 1), column.type);
          });
          known = countSteps(step.steps, last, path).known;
        }
      }
    }
  });
  return { count, known };
}

/**
 * The iteration of a sequence: a list of steps ({@link VariableDeclaration}, {@link ExecuteShot},
 * {@link LinspaceLoop}, {@link ArangeLoop}, {@link ZipLoop}) walked in order; each `shot` step
 * yields one parameter set. Loops thread the parameters through their body, and the values set in
 * a loop persist after it. Immutable. Errors name the step: `step 1.2, linspace x` (0-based
 * indices, nested with dots).
 */
export class IterationConfiguration {
  readonly steps: readonly Step[];

  constructor(steps: readonly Step[]) {
    this.steps = Object.freeze([...steps]);
  }

  /** No steps (no shots). */
  static empty(): IterationConfiguration {
    return new IterationConfiguration([]);
  }

  /** The JSON: `{ "steps": [...] }` (see {@link stepJsonSchema}). */
  toJSON(): IterationConfigurationJson {
    return { steps: this.steps.map(stepToJSON) };
  }

  /** Loads an iteration from JSON; errors name the step (and the expression and column). */
  static fromJSON(json: unknown): IterationConfiguration {
    const parsed = iterationConfigurationJsonSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const indices: number[] = [];
      const p = issue?.path ?? [];
      for (let i = 0; i + 1 < p.length; i++) {
        if (p[i] === 'steps' && typeof p[i + 1] === 'number') indices.push(p[i + 1] as number);
      }
      const field = p.filter((x) => typeof x === 'string' && x !== 'steps').join('.');
      throw new InvalidValueError(
        `invalid iteration JSON${field ? ` (${field})` : ''}: ${issue?.message ?? ''}`,
        { location: indices.length > 0 ? { step: `step ${indices.join('.')}` } : {} },
      );
    }
    const load = (steps: StepJson[], prefix: string): Step[] =>
      steps.map((s, i) => {
        const path = stepPath(prefix, i);
        try {
          switch (s.kind) {
            case 'declare':
              return new VariableDeclaration(s.variable, s.value);
            case 'shot':
              return new ExecuteShot();
            case 'linspace':
              return new LinspaceLoop({ ...s, steps: load(s.steps, path) });
            case 'arange':
              return new ArangeLoop({ ...s, steps: load(s.steps, path) });
            case 'zip':
              return new ZipLoop({ ...s, steps: load(s.steps, path) });
          }
        } catch (e) {
          if (e instanceof ShotlineError && e.location.step !== undefined) throw e;
          const what =
            s.kind === 'zip' ? 'zip' : s.kind === 'shot' ? 'shot' : `${s.kind} ${s.variable}`;
          throw withContext(e, { step: `step ${path}, ${what}` });
        }
      });
    return new IterationConfiguration(load(parsed.data.steps, ''));
  }

  /** The variables the iteration sets (declared and loop variables, at any depth). */
  parameterNames(): Set<DottedName> {
    return assignedNames(this.steps);
  }

  /**
   * The number of shots, or `null` only when it depends on values known only while walking (an
   * arange whose bounds depend on a loop variable). Bounds are evaluated with the constants and the
   * declarations that precede them. A loop that cannot be valid (e.g. `0` to `1 us`) throws, naming
   * the step.
   */
  expectedShotCount(constants: Parameters = Parameters.empty): number | null {
    return countSteps(this.steps, constants, '').count;
  }

  /**
   * The parameter schema of a run: constants are the `constants` not set by the iteration; the
   * variables' types are those of their first appearance in a shot (walking until every variable
   * has been seen). A variable that no shot contains is left out.
   */
  parameterSchema(constants: Parameters): ParameterSchema {
    const names = this.parameterNames();
    let fixed = constants;
    for (const n of names) fixed = fixed.without(n);
    const types = new Map<string, ParameterType>();
    if (names.size > 0) {
      for (const shot of this.walk(constants)) {
        for (const n of names) {
          if (!types.has(n)) {
            const t = shot.typeOf(n);
            if (t !== undefined) types.set(n, t);
          }
        }
        if (types.size === names.size) break;
      }
    }
    return new ParameterSchema(
      fixed,
      new Map([...names].filter((n) => types.has(n)).map((n) => [n, types.get(n)!])),
    );
  }

  /**
   * Walks the steps lazily: one {@link Parameters} per shot, containing the constants and the
   * variables set so far. The walk starts from all the constants (an iteration step such as
   * `a = a + 1` sees the constant `a`). Shuffled loops draw their order from their seed, so two
   * walks give the same shots.
   */
  *walk(constants: Parameters = Parameters.empty): Generator<Parameters, void, undefined> {
    yield* walkSteps(this.steps, constants, '', new Map());
  }
}
