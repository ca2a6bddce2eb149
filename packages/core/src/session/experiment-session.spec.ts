// The session façade checks a draft before writing it: what it stores must load back (every
// expression parsing, every lane type known), or nothing is written. The storage here only records
// the writes: the storage backends have their own conformance suite.
import { describe, expect, it } from 'vitest';
import { UndefinedUnitError } from '../errors/index.js';
import { Expression } from '../expression/index.js';
import { ExecuteShot, IterationConfiguration, LinspaceLoop } from '../iteration/index.js';
import { DeviceRegistry } from '../plugins/index.js';
import { ok } from '../result/index.js';
import type { SessionStorage } from '../storage/index.js';
import {
  DigitalTimeLane,
  type SpannedValue,
  TimeLane,
  TimeLanes,
  UnknownLaneTypeError,
} from '../time-lanes/index.js';
import { ExperimentSession } from './experiment-session.js';

/** A plugin's lane that keeps expression texts and parses them only when loaded from JSON. */
class NoteLane extends TimeLane<string> {
  readonly type = 'note';
  constructor(spans: Iterable<SpannedValue<string>>) {
    super(spans);
  }
  protected checkValue(value: unknown): string | undefined {
    return typeof value === 'string' ? undefined : 'a note is a text';
  }
  protected withSpans(spans: readonly SpannedValue<string>[]): this {
    return new NoteLane(spans) as this;
  }
  valueEquals(a: string, b: string): boolean {
    return a === b;
  }
  valueToJSON(value: string): string {
    return value;
  }
}

function registryWithNotes(): DeviceRegistry {
  const registry = new DeviceRegistry();
  registry.laneTypes.register<string>({
    type: 'note',
    valueSchema: { safeParse: (v: unknown) => ({ success: true, data: v }) } as never,
    decodeValue: (json) => new Expression(json as string).source,
    create: (spans) => new NoteLane(spans),
  });
  return registry;
}

/** A storage that records the writes of the façade. */
function recordingStorage(): { storage: SessionStorage; writes: string[] } {
  const writes: string[] = [];
  const storage = {
    getGlobals: () => Promise.resolve([]),
    createSequence: () => {
      writes.push('createSequence');
      return Promise.resolve(ok());
    },
    setIteration: () => {
      writes.push('setIteration');
      return Promise.resolve(ok());
    },
    setTimeLanes: () => {
      writes.push('setTimeLanes');
      return Promise.resolve(ok());
    },
  } as unknown as SessionStorage;
  return { storage, writes };
}

const iteration = new IterationConfiguration([
  new LinspaceLoop({
    variable: 'x',
    start: '0 MHz',
    stop: '1 MHz',
    num: 3,
    steps: [new ExecuteShot()],
  }),
]);

function lanes(note: string): TimeLanes {
  return new TimeLanes({
    stepNames: ['load', 'probe'],
    stepDurations: ['10 ms', '1 ms'],
    lanes: {
      shutter: new DigitalTimeLane([
        [true, 1],
        [false, 1],
      ]),
      rf: new NoteLane([
        ['0 dBm', 1],
        [note, 1],
      ]),
    },
  });
}

async function failure(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('ExperimentSession drafts', () => {
  it('writes a draft whose iteration and time lanes load back', async () => {
    const { storage, writes } = recordingStorage();
    const session = new ExperimentSession(storage, registryWithNotes());
    await session.createSequence('\\scan', { iteration, timeLanes: lanes('-3 dBm') });
    await session.setTimeLanes('\\scan', lanes('-2 dBm'));
    await session.setIteration('\\scan', iteration);
    expect(writes).toEqual(['createSequence', 'setTimeLanes', 'setIteration']);
  });

  it('refuses an expression with an unknown unit, naming sequence, lane and block; writes nothing', async () => {
    const { storage, writes } = recordingStorage();
    const session = new ExperimentSession(storage, registryWithNotes());
    const create = await failure(() =>
      session.createSequence('\\scan', { iteration, timeLanes: lanes('-3 Dbm') }),
    );
    expect(create).toBeInstanceOf(UndefinedUnitError);
    expect(create.message).toBe(
      'undefined unit "Dbm"; did you mean "dBm"? (sequence \\scan, lane "rf", block 1, expression "-3 Dbm", column 4)',
    );
    const edit = await failure(() => session.setTimeLanes('\\scan', lanes('1 +')));
    expect(edit.message).toMatch(/^a value is missing after "\+" \(sequence \\scan, lane "rf"/);
    expect(writes).toEqual([]);
  });

  it('refuses time lanes of a lane type it cannot load back', async () => {
    const { storage, writes } = recordingStorage();
    const session = new ExperimentSession(storage, new DeviceRegistry());
    const e = await failure(() => session.setTimeLanes('\\scan', lanes('-3 dBm')));
    expect(e).toBeInstanceOf(UnknownLaneTypeError);
    expect(e.message).toMatch(/unknown lane type "note".*\(sequence \\scan, lane "rf"\)$/);
    expect(writes).toEqual([]);
  });

  it('cannot be handed core objects with a misspelled unit: they do not construct', () => {
    expect(
      () => new TimeLanes({ stepNames: ['load'], stepDurations: ['10 mS'], lanes: {} }),
    ).toThrow(
      /^undefined unit "mS"; did you mean "ms" or "Ms"\? \(step 0 "load", expression "10 mS"/,
    );
    expect(
      () =>
        new LinspaceLoop({
          variable: 'x',
          start: '1 Mhz',
          stop: '2 MHz',
          num: 2,
          steps: [new ExecuteShot()],
        }),
    ).toThrow(UndefinedUnitError);
  });
});
