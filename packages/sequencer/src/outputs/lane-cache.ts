import {
  type DimensionedSeries,
  type Parameters,
  type ParameterValue,
  type TimeLane,
  Expression,
  Quantity,
} from '@shotline/core';

interface Entry {
  readonly lane: TimeLane;
  readonly timeStep: number;
  readonly starts: readonly number[];
  readonly values: readonly (ParameterValue | undefined)[];
  readonly series: DimensionedSeries;
}

/**
 * Remembers the last compiled series of each lane, so that a lane is compiled once per shot however
 * many channels read it, and not again in the next shot when nothing it depends on changed: same
 * lane, time step, step start times, and values of the variables its expressions read. Lane
 * compilation is a pure function of those, so this is only a saving (most lanes do not change
 * between the shots of a scan).
 */
export class LaneCache {
  private readonly entries = new Map<string, Entry>();
  private readonly variables = new WeakMap<TimeLane, readonly string[]>();

  /** The lane's series, compiled with `compile` unless an equal compilation is remembered. */
  series(
    name: string,
    lane: TimeLane,
    timeStep: number,
    starts: readonly number[],
    parameters: Parameters,
    compile: () => DimensionedSeries,
  ): DimensionedSeries {
    const names = this.variablesOf(lane);
    const values = names.map((n) => parameters.get(n));
    const entry = this.entries.get(name);
    if (
      entry !== undefined &&
      entry.lane === lane &&
      entry.timeStep === timeStep &&
      sameNumbers(entry.starts, starts) &&
      entry.values.every((v, i) => sameValue(v, values[i]))
    ) {
      return entry.series;
    }
    const series = compile();
    this.entries.set(name, { lane, timeStep, starts: [...starts], values, series });
    return series;
  }

  /** The parameters the lane's expressions read (not `t`). */
  private variablesOf(lane: TimeLane): readonly string[] {
    let names = this.variables.get(lane);
    if (names === undefined) {
      const found = new Set<string>();
      for (const block of lane.blocks) {
        if (block.value instanceof Expression) {
          for (const v of block.value.upstreamVariables) if (v !== 't') found.add(v);
        }
      }
      names = [...found];
      this.variables.set(lane, names);
    }
    return names;
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameValue(a: ParameterValue | undefined, b: ParameterValue | undefined): boolean {
  if (a instanceof Quantity && b instanceof Quantity) return a.equals(b);
  return a === b;
}
