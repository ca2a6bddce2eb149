import {
  DottedName,
  Expression,
  IterationConfiguration,
  ShotlineError,
  TimeLanes,
  suspenderSpecsSchema,
  type LaneTypeRegistry,
  type StepJson,
  type SuspenderSpecInput,
} from '@shotline/core';
import { stringify } from 'yaml';
import { type DocumentPath, type SourceDocument } from '../input/source-document.js';
import { isRecord } from '../input/values.js';

/** A sequence as described by a file: its scan and its time table (globals are not part of it). */
export interface SequenceDefinition {
  readonly iteration: IterationConfiguration;
  readonly timeLanes: TimeLanes;
  /**
   * The sequence's own suspenders (`suspenders:` in the file; see core's `suspenderSpecSchema`):
   * watched while it runs, besides the lab's.
   */
  readonly suspenders?: readonly SuspenderSpecInput[];
}

const STEP_KINDS = ['shot', 'declare', 'linspace', 'arange', 'zip'] as const;
const LOOP_KEYS: Record<string, readonly string[]> = {
  declare: ['declare', 'value'],
  linspace: ['linspace', 'start', 'stop', 'num', 'shuffle', 'do'],
  arange: ['arange', 'start', 'stop', 'step', 'shuffle', 'do'],
  zip: ['zip', 'shuffle', 'do'],
  shot: ['shot'],
};

/**
 * Reads a sequence file (YAML or JSON) into core's iteration and time lanes. Every problem is an
 * error naming the file, line and column, and the path of the offending value
 * (`iteration[0].do[1].start`); expressions are parsed here, so a typo is reported with its position
 * before anything is stored. See the README for the format.
 */
export function parseSequenceFile(
  source: SourceDocument,
  laneTypes: LaneTypeRegistry,
): SequenceDefinition {
  const root = source.value;
  if (!isRecord(root)) {
    throw source.error([], 'a sequence file is a mapping with "iteration", "steps" and "lanes"');
  }
  const allowed = ['iteration', 'steps', 'lanes', 'suspenders', 'description'];
  for (const key of Object.keys(root)) {
    if (!allowed.includes(key)) {
      throw source.error(
        [key],
        `unknown key "${key}" (a sequence file has ${allowed.map((k) => `"${k}"`).join(', ')}; globals are set with "shotline globals set")`,
      );
    }
  }
  const reader = new Reader(source);
  const steps = reader.steps(root.iteration ?? [], ['iteration']);
  let iteration: IterationConfiguration;
  try {
    iteration = IterationConfiguration.fromJSON({ steps });
  } catch (e) {
    throw source.locate(e, ['iteration']);
  }
  const timeLanes = reader.timeLanes(root.steps ?? [], root.lanes ?? {}, laneTypes);
  if (root.suspenders === undefined) return { iteration, timeLanes };
  const suspenders = source.validateAt(['suspenders'], root.suspenders, suspenderSpecsSchema);
  return { iteration, timeLanes, suspenders };
}

class Reader {
  constructor(private readonly source: SourceDocument) {}

  steps(value: unknown, path: DocumentPath): StepJson[] {
    if (!Array.isArray(value)) throw this.source.error(path, 'expected a list of steps');
    return value.map((step, i) => this.step(step, [...path, i]));
  }

  private step(value: unknown, path: DocumentPath): StepJson {
    if (value === 'shot') return { kind: 'shot' };
    if (!isRecord(value)) {
      throw this.source.error(
        path,
        `expected "shot" or a mapping with one of ${STEP_KINDS.map((k) => `"${k}"`).join(', ')}`,
      );
    }
    const kinds = STEP_KINDS.filter((k) => k in value);
    if (kinds.length !== 1) {
      throw this.source.error(
        path,
        kinds.length === 0
          ? `a step needs one of ${STEP_KINDS.map((k) => `"${k}"`).join(', ')}`
          : `a step has one kind, not ${kinds.join(' and ')}`,
      );
    }
    const kind = kinds[0]!;
    const keys = LOOP_KEYS[kind]!;
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) {
        throw this.source.error(
          [...path, key],
          `unknown key "${key}" in a ${kind} step (expected ${keys.map((k) => `"${k}"`).join(', ')})`,
        );
      }
    }
    switch (kind) {
      case 'shot':
        return { kind: 'shot' };
      case 'declare':
        return {
          kind: 'declare',
          variable: this.variable(value.declare, [...path, 'declare']),
          value: this.expression(value.value, [...path, 'value']),
        };
      case 'linspace':
        return {
          kind: 'linspace',
          variable: this.variable(value.linspace, [...path, 'linspace']),
          start: this.expression(value.start, [...path, 'start']),
          stop: this.expression(value.stop, [...path, 'stop']),
          num: this.count(value.num, [...path, 'num']),
          ...this.shuffle(value.shuffle, [...path, 'shuffle']),
          steps: this.body(value.do, [...path, 'do']),
        };
      case 'arange':
        return {
          kind: 'arange',
          variable: this.variable(value.arange, [...path, 'arange']),
          start: this.expression(value.start, [...path, 'start']),
          stop: this.expression(value.stop, [...path, 'stop']),
          step: this.expression(value.step, [...path, 'step']),
          ...this.shuffle(value.shuffle, [...path, 'shuffle']),
          steps: this.body(value.do, [...path, 'do']),
        };
      case 'zip':
        return {
          kind: 'zip',
          columns: this.zipColumns(value.zip, [...path, 'zip']),
          ...this.shuffle(value.shuffle, [...path, 'shuffle']),
          steps: this.body(value.do, [...path, 'do']),
        };
    }
  }

  /** The body of a loop; `do` defaults to `[shot]`. */
  private body(value: unknown, path: DocumentPath): StepJson[] {
    return value === undefined ? [{ kind: 'shot' }] : this.steps(value, path);
  }

  private zipColumns(
    value: unknown,
    path: DocumentPath,
  ): Extract<StepJson, { kind: 'zip' }>['columns'] {
    if (!isRecord(value) || Object.keys(value).length === 0) {
      throw this.source.error(
        path,
        'expected a mapping of variables to value lists or {start, stop, num}',
      );
    }
    return Object.entries(value).map(([variable, column]) => {
      const at = [...path, variable];
      const name = this.variable(variable, at);
      if (Array.isArray(column)) {
        return { variable: name, values: column.map((v, i) => this.expression(v, [...at, i])) };
      }
      if (isRecord(column)) {
        for (const key of Object.keys(column)) {
          if (!['start', 'stop', 'num'].includes(key)) {
            throw this.source.error(
              [...at, key],
              `unknown key "${key}" (expected start, stop, num)`,
            );
          }
        }
        return {
          variable: name,
          start: this.expression(column.start, [...at, 'start']),
          stop: this.expression(column.stop, [...at, 'stop']),
          num: this.count(column.num, [...at, 'num']),
        };
      }
      throw this.source.error(at, 'expected a list of values or {start, stop, num}');
    });
  }

  private shuffle(value: unknown, path: DocumentPath): { shuffle?: { seed: number } } {
    if (value === undefined || value === false || value === null) return {};
    const seed = isRecord(value) ? value.seed : value;
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
      throw this.source.error(path, 'expected a seed: an integer from 0 to 4294967295');
    }
    return { shuffle: { seed } };
  }

  private variable(value: unknown, path: DocumentPath): string {
    if (typeof value !== 'string' || !DottedName.isValid(value)) {
      throw this.source.error(
        path,
        `expected a parameter name (identifiers joined by dots, e.g. "mot.detuning"), got ${JSON.stringify(value) ?? 'nothing'}`,
      );
    }
    return value;
  }

  private count(value: unknown, path: DocumentPath): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw this.source.error(
        path,
        `expected a whole number, got ${JSON.stringify(value) ?? 'nothing'}`,
      );
    }
    return value;
  }

  /** An expression's source text (numbers are accepted as text), parsed to check it. */
  expression(value: unknown, path: DocumentPath): string {
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string' || value.trim() === '') {
      throw this.source.error(
        path,
        `expected an expression such as "10 MHz", got ${JSON.stringify(value) ?? 'nothing'}`,
      );
    }
    try {
      new Expression(value);
    } catch (e) {
      throw this.source.locate(e, path);
    }
    return value;
  }

  timeLanes(stepsValue: unknown, lanesValue: unknown, laneTypes: LaneTypeRegistry): TimeLanes {
    if (!Array.isArray(stepsValue)) {
      throw this.source.error(['steps'], 'expected a list of "name: duration" entries');
    }
    const stepNames: string[] = [];
    const stepDurations: string[] = [];
    stepsValue.forEach((entry, i) => {
      const at: DocumentPath = ['steps', i];
      if (isRecord(entry) && 'name' in entry) {
        if (typeof entry.name !== 'string')
          throw this.source.error([...at, 'name'], 'expected a step name');
        stepNames.push(entry.name);
        stepDurations.push(this.expression(entry.duration, [...at, 'duration']));
      } else if (isRecord(entry) && Object.keys(entry).length === 1) {
        const [name, duration] = Object.entries(entry)[0]!;
        stepNames.push(name);
        stepDurations.push(this.expression(duration, [...at, name]));
      } else {
        throw this.source.error(at, 'expected "name: duration", e.g. "load: 100 ms"');
      }
    });
    if (!isRecord(lanesValue)) {
      throw this.source.error(['lanes'], 'expected a mapping of lane names to {type: [values]}');
    }
    const lanes = Object.entries(lanesValue).map(([name, lane]) =>
      this.lane(name, lane, stepNames.length, laneTypes),
    );
    try {
      return TimeLanes.fromJSON({ stepNames, stepDurations, lanes }, laneTypes);
    } catch (e) {
      if (e instanceof ShotlineError && e.location.lane !== undefined) {
        const lane = e.location.lane;
        const type = Object.keys((lanesValue[lane] as Record<string, unknown>) ?? {})[0];
        const path: DocumentPath =
          type === undefined
            ? ['lanes', lane]
            : e.location.block !== undefined
              ? ['lanes', lane, type, e.location.block]
              : ['lanes', lane, type];
        throw this.source.locate(e, path);
      }
      throw this.source.locate(e, ['steps']);
    }
  }

  private lane(
    name: string,
    value: unknown,
    stepCount: number,
    laneTypes: LaneTypeRegistry,
  ): { name: string; type: string; blocks: [unknown, number][] } {
    const at: DocumentPath = ['lanes', name];
    if (!isRecord(value) || Object.keys(value).length !== 1) {
      throw this.source.error(
        at,
        `expected one lane type with its values, e.g. "digital: [true, false]" (types: ${laneTypes.types.join(', ')})`,
      );
    }
    const [type, entries] = Object.entries(value)[0]!;
    if (!laneTypes.has(type)) {
      throw this.source.error(
        [...at, type],
        `unknown lane type "${type}" (known: ${laneTypes.types.join(', ')}; a plugin may provide it)`,
      );
    }
    if (!Array.isArray(entries))
      throw this.source.error([...at, type], 'expected a list of values, one per step');
    let covered = 0;
    const blocks = entries.map((entry, i): [unknown, number] => {
      const path = [...at, type, i];
      let raw: unknown = entry;
      let span = 1;
      if (isRecord(entry) && 'steps' in entry && 'value' in entry) {
        raw = entry.value;
        span = this.count(entry.steps, [...path, 'steps']);
        if (span < 1)
          throw this.source.error([...path, 'steps'], 'a block covers at least one step');
      }
      covered += span;
      return [this.laneValue(type, raw, path), span];
    });
    if (covered !== stepCount) {
      throw this.source.error(
        [...at, type],
        `the lane covers ${covered} step(s) but the time table has ${stepCount}`,
      );
    }
    return { name, type, blocks };
  }

  /** A friendly lane value to the JSON block value of its lane type. */
  private laneValue(type: string, value: unknown, path: DocumentPath): unknown {
    switch (type) {
      case 'digital':
        if (typeof value === 'boolean') return value;
        if (value === 0 || value === 1) return value === 1;
        if (value === 'on' || value === 'off') return value === 'on';
        return this.expression(value, path);
      case 'analog':
        if (value === 'ramp') return 'ramp';
        return { expression: this.expression(value, path) };
      case 'camera':
        if (value === null) return null;
        if (typeof value === 'string' && value !== '') return { picture: value };
        if (isRecord(value) && typeof value.picture === 'string') return { picture: value.picture };
        throw this.source.error(path, 'expected a picture name, or null for no picture');
      default:
        return value;
    }
  }
}

/** The file form of a step (inverse of the parser). */
function stepToFile(step: StepJson): unknown {
  const shuffle = (s: { seed: number } | undefined): Record<string, number> =>
    s === undefined ? {} : { shuffle: s.seed };
  switch (step.kind) {
    case 'shot':
      return 'shot';
    case 'declare':
      return { declare: step.variable, value: step.value };
    case 'linspace':
      return {
        linspace: step.variable,
        start: step.start,
        stop: step.stop,
        num: step.num,
        ...shuffle(step.shuffle),
        do: step.steps.map(stepToFile),
      };
    case 'arange':
      return {
        arange: step.variable,
        start: step.start,
        stop: step.stop,
        step: step.step,
        ...shuffle(step.shuffle),
        do: step.steps.map(stepToFile),
      };
    case 'zip':
      return {
        zip: Object.fromEntries(
          step.columns.map((c): [string, unknown] =>
            'values' in c
              ? [c.variable, c.values]
              : [c.variable, { start: c.start, stop: c.stop, num: c.num }],
          ),
        ),
        ...shuffle(step.shuffle),
        do: step.steps.map(stepToFile),
      };
  }
}

function laneValueToFile(type: string, value: unknown): unknown {
  if (type === 'analog' && isRecord(value)) return value.expression;
  if (type === 'camera' && isRecord(value)) return value.picture;
  return value;
}

/** The file form of a sequence (plain data, ready for YAML or JSON). */
export function sequenceToFileValue(definition: SequenceDefinition): Record<string, unknown> {
  const lanes = definition.timeLanes.toJSON();
  const suspenders = definition.suspenders ?? [];
  return {
    iteration: definition.iteration.toJSON().steps.map(stepToFile),
    steps: lanes.stepNames.map((name, i) => ({ [name]: lanes.stepDurations[i] })),
    lanes: Object.fromEntries(
      lanes.lanes.map((lane) => [
        lane.name,
        {
          [lane.type]: lane.blocks.map(([value, span]) => {
            const v = laneValueToFile(lane.type, value);
            return span === 1 ? v : { value: v, steps: span };
          }),
        },
      ]),
    ),
    ...(suspenders.length > 0 ? { suspenders } : {}),
  };
}

/** The YAML text of a sequence file. */
export function formatSequenceFile(definition: SequenceDefinition): string {
  return stringify(sequenceToFileValue(definition), { lineWidth: 0, flowCollectionPadding: false });
}
