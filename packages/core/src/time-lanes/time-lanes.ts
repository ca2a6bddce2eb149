import { z } from 'zod';
import { InvalidValueError, withContext } from '../errors/index.js';
import { Expression } from '../expression/expression.js';
import { LaneTypeRegistry, timeLaneJsonSchema } from './lane-type-registry.js';
import type { TimeLane } from './time-lane.js';

/**
 * zod schema of the JSON of {@link TimeLanes}:
 * `{ stepNames: [...], stepDurations: ["10 ms", ...], lanes: [{ name, type, blocks: [[value, span], ...] }] }`.
 * Lanes are a list so that their order is kept whatever their names.
 */
export const timeLanesJsonSchema = z.object({
  stepNames: z.array(z.string()),
  stepDurations: z.array(z.string()),
  lanes: z.array(timeLaneJsonSchema.extend({ name: z.string().min(1) })),
});

const timeLanesEnvelopeSchema = timeLanesJsonSchema.extend({
  lanes: z.array(z.looseObject({ name: z.string().min(1) })),
});

/** JSON of {@link TimeLanes}. */
export type TimeLanesJson = z.infer<typeof timeLanesJsonSchema>;

/** What a new step is made of, for {@link TimeLanes.insertStep}. */
export interface NewStep {
  readonly name: string;
  readonly duration: string | Expression;
  /** The value of the step in some lanes; other lanes extend their neighbouring block. */
  readonly values?: Readonly<Record<string, unknown>>;
}

/**
 * The time table of a sequence: named steps with duration expressions, and lanes (one value per
 * step, see {@link TimeLane}) by name, in order. Immutable; every edit is validated and returns a
 * new table, so a failed edit changes nothing. Step indices are 0-based.
 */
export class TimeLanes {
  readonly stepNames: readonly string[];
  readonly stepDurations: readonly Expression[];
  /** Lanes by name, in display order. */
  readonly lanes: ReadonlyMap<string, TimeLane>;

  /**
   * Throws {@link InvalidValueError} if there are not as many durations as names, or a lane's
   * length is not the number of steps (naming the lane).
   */
  constructor(init: {
    stepNames: readonly string[];
    stepDurations: readonly (string | Expression)[];
    lanes?: Iterable<readonly [string, TimeLane]> | Readonly<Record<string, TimeLane>>;
  }) {
    if (init.stepNames.length !== init.stepDurations.length) {
      throw new InvalidValueError(
        `there are ${init.stepNames.length} step names but ${init.stepDurations.length} step durations`,
      );
    }
    this.stepNames = Object.freeze([...init.stepNames]);
    this.stepDurations = Object.freeze(
      init.stepDurations.map((d, i) => {
        try {
          return typeof d === 'string' ? new Expression(d) : d;
        } catch (e) {
          throw withContext(e, { step: timeLaneStepLabel(i, init.stepNames[i]!) });
        }
      }),
    );
    const entries =
      init.lanes === undefined
        ? []
        : Symbol.iterator in init.lanes
          ? [...(init.lanes as Iterable<readonly [string, TimeLane]>)]
          : Object.entries(init.lanes as Record<string, TimeLane>);
    const lanes = new Map<string, TimeLane>();
    for (const [name, lane] of entries) {
      if (name === '') throw new InvalidValueError('a lane needs a non-empty name');
      if (lane.length !== this.stepNames.length) {
        throw new InvalidValueError(
          `the lane has ${lane.length} steps, the table has ${this.stepNames.length}`,
          { location: { lane: name } },
        );
      }
      lanes.set(name, lane);
    }
    this.lanes = lanes;
  }

  /** A table with no steps and no lanes. */
  static empty(): TimeLanes {
    return new TimeLanes({ stepNames: [], stepDurations: [] });
  }

  /** Number of steps. */
  get numberSteps(): number {
    return this.stepNames.length;
  }

  /** Number of lanes. */
  get numberLanes(): number {
    return this.lanes.size;
  }

  /** The lane called `name`; {@link InvalidValueError} naming it if there is none. */
  lane(name: string): TimeLane {
    const lane = this.lanes.get(name);
    if (lane === undefined) {
      throw new InvalidValueError('there is no such lane', { location: { lane: name } });
    }
    return lane;
  }

  /** The lane called `name`, or undefined. */
  findLane(name: string): TimeLane | undefined {
    return this.lanes.get(name);
  }

  /** The lanes of one type tag, in order. */
  lanesOfType(type: string): ReadonlyMap<string, TimeLane> {
    return new Map([...this.lanes].filter(([, lane]) => lane.type === type));
  }

  private copy(changes: {
    stepNames?: readonly string[];
    stepDurations?: readonly Expression[];
    lanes?: Iterable<readonly [string, TimeLane]>;
  }): TimeLanes {
    return new TimeLanes({
      stepNames: changes.stepNames ?? this.stepNames,
      stepDurations: changes.stepDurations ?? this.stepDurations,
      lanes: changes.lanes ?? this.lanes,
    });
  }

  private checkStep(step: number, allowEnd = false): void {
    const max = allowEnd ? this.numberSteps : this.numberSteps - 1;
    if (!Number.isInteger(step) || step < 0 || step > max) {
      throw new RangeError(
        `step ${step} is out of range (the table has ${this.numberSteps} steps)`,
      );
    }
  }

  /** A copy with a lane added at the end, or replaced in place. */
  withLane(name: string, lane: TimeLane): TimeLanes {
    const lanes = new Map(this.lanes);
    lanes.set(name, lane);
    return this.copy({ lanes });
  }

  /** A copy without the lane (unchanged if absent). */
  withoutLane(name: string): TimeLanes {
    const lanes = new Map(this.lanes);
    lanes.delete(name);
    return this.copy({ lanes });
  }

  /** A copy where a lane is renamed, in place. */
  renameLane(from: string, to: string): TimeLanes {
    this.lane(from);
    if (from !== to && this.lanes.has(to)) {
      throw new InvalidValueError('a lane with this name already exists', {
        location: { lane: to },
      });
    }
    return this.copy({ lanes: [...this.lanes].map(([n, l]) => [n === from ? to : n, l] as const) });
  }

  /** A copy where a step is renamed. */
  withStepName(step: number, name: string): TimeLanes {
    this.checkStep(step);
    return this.copy({ stepNames: this.stepNames.map((n, i) => (i === step ? name : n)) });
  }

  /** A copy where a step has another duration. */
  withStepDuration(step: number, duration: string | Expression): TimeLanes {
    this.checkStep(step);
    const d = this.parseDuration(step, duration, this.stepNames[step]!);
    return this.copy({ stepDurations: this.stepDurations.map((x, i) => (i === step ? d : x)) });
  }

  /** A copy where one lane has `value` at `step` (checked against the lane's value rules). */
  withLaneStep(lane: string, step: number, value: unknown): TimeLanes {
    return this.editLane(lane, (l) => l.withStep(step, value as never));
  }

  /** A copy where one lane has one block of `value` over `[start, stop)`. */
  withLaneRange(lane: string, start: number, stop: number, value: unknown): TimeLanes {
    return this.editLane(lane, (l) => l.withRange(start, stop, value as never));
  }

  private editLane(name: string, edit: (lane: TimeLane) => TimeLane): TimeLanes {
    const lane = this.lane(name);
    try {
      return this.withLane(name, edit(lane));
    } catch (e) {
      throw withContext(e, { lane: name });
    }
  }

  /**
   * A copy with a step inserted before `step` (`numberSteps` appends) in every lane: lanes listed in
   * `values` get that value as a one-step block, the others extend their neighbouring block.
   */
  insertStep(step: number, newStep: NewStep): TimeLanes {
    this.checkStep(step, true);
    for (const name of Object.keys(newStep.values ?? {})) this.lane(name);
    const duration = this.parseDuration(step, newStep.duration, newStep.name);
    const lanes = [...this.lanes].map(([name, lane]) => {
      try {
        const values = newStep.values ?? {};
        const l =
          name in values ? lane.insertStep(step, values[name] as never) : lane.insertStep(step);
        return [name, l] as const;
      } catch (e) {
        throw withContext(e, { lane: name });
      }
    });
    const names = [...this.stepNames];
    names.splice(step, 0, newStep.name);
    const durations = [...this.stepDurations];
    durations.splice(step, 0, duration);
    return this.copy({ stepNames: names, stepDurations: durations, lanes });
  }

  /** A copy without `step`, in every lane. */
  deleteStep(step: number): TimeLanes {
    this.checkStep(step);
    return this.copy({
      stepNames: this.stepNames.filter((_, i) => i !== step),
      stepDurations: this.stepDurations.filter((_, i) => i !== step),
      lanes: [...this.lanes].map(([n, l]) => [n, l.deleteStep(step)] as const),
    });
  }

  private parseDuration(step: number, duration: string | Expression, name: string): Expression {
    try {
      return typeof duration === 'string' ? new Expression(duration) : duration;
    } catch (e) {
      throw withContext(e, { step: timeLaneStepLabel(step, name) });
    }
  }

  /** Same steps, same durations, same lanes in the same order. */
  equals(other: TimeLanes): boolean {
    if (
      other.numberSteps !== this.numberSteps ||
      other.numberLanes !== this.numberLanes ||
      this.stepNames.some((n, i) => other.stepNames[i] !== n) ||
      this.stepDurations.some((d, i) => !d.equals(other.stepDurations[i]!))
    ) {
      return false;
    }
    const a = [...this.lanes];
    const b = [...other.lanes];
    return a.every(([n, l], i) => b[i]![0] === n && l.equals(b[i]![1]));
  }

  /** See {@link timeLanesJsonSchema}. */
  toJSON(): TimeLanesJson {
    return {
      stepNames: [...this.stepNames],
      stepDurations: this.stepDurations.map((d) => d.source),
      lanes: [...this.lanes].map(([name, lane]) => ({ name, ...lane.toJSON() })),
    };
  }

  /**
   * Loads a table from JSON with the lane types of `registry` (the built-in ones by default).
   * Errors name the step, the lane and the block; duplicate lane names are refused.
   */
  static fromJSON(
    json: unknown,
    registry: LaneTypeRegistry = LaneTypeRegistry.withBuiltins(),
  ): TimeLanes {
    // The envelope first; each lane is then validated by the registry, which names it.
    const parsed = timeLanesEnvelopeSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InvalidValueError(
        `invalid time lanes JSON at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? ''}`,
      );
    }
    const { stepNames, stepDurations, lanes } = parsed.data;
    const loaded: [string, TimeLane][] = [];
    const seen = new Set<string>();
    for (const { name, ...lane } of lanes) {
      if (seen.has(name)) {
        throw new InvalidValueError('two lanes have this name', { location: { lane: name } });
      }
      seen.add(name);
      loaded.push([name, registry.decodeLane(name, lane)]);
    }
    return new TimeLanes({ stepNames, stepDurations, lanes: loaded });
  }
}

/** How a time-table step is named in errors: `step 2 "load mot"` (0-based index). */
export function timeLaneStepLabel(index: number, name: string): string {
  return `step ${index} "${name}"`;
}
