import {
  AnalogRamp,
  AnalogTimeLane,
  CameraTimeLane,
  DigitalTimeLane,
  LaneTypeRegistry,
  TakePicture,
} from '@shotline/core';
import { describe, expect, it } from 'vitest';
import { SourceDocument } from '../input/source-document.js';
import { formatSequenceFile, parseSequenceFile } from './sequence-file.js';

const lanes = LaneTypeRegistry.withBuiltins();

function parse(text: string): ReturnType<typeof parseSequenceFile> {
  return parseSequenceFile(SourceDocument.parse(text, 'scan.yaml'), lanes);
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const FULL = `iteration:
  - declare: power
    value: 2 mW
  - linspace: detuning
    start: -10 MHz
    stop: 10 MHz
    num: 3
    shuffle: 7
    do:
      - arange: n
        start: 0
        stop: 2
        step: 1
  - zip:
      x: [1, 2]
      y: { start: 0 V, stop: 1 V, num: 2 }
steps:
  - load: 10 ms
  - name: ramp
    duration: 2 ms
  - image: 1 ms
lanes:
  shutter:
    digital: [on, true, 0]
  coil:
    analog: [2 V, { value: ramp, steps: 2 }]
  camera:
    camera: [null, null, atoms]
`;

describe('sequence files', () => {
  it('map loops, declarations and zips onto core iteration steps', () => {
    const { iteration } = parse(FULL);
    expect(iteration.toJSON()).toEqual({
      steps: [
        { kind: 'declare', variable: 'power', value: '2 mW' },
        {
          kind: 'linspace',
          variable: 'detuning',
          start: '-10 MHz',
          stop: '10 MHz',
          num: 3,
          shuffle: { seed: 7 },
          steps: [
            {
              kind: 'arange',
              variable: 'n',
              start: '0',
              stop: '2',
              step: '1',
              steps: [{ kind: 'shot' }],
            },
          ],
        },
        {
          kind: 'zip',
          columns: [
            { variable: 'x', values: ['1', '2'] },
            { variable: 'y', start: '0 V', stop: '1 V', num: 2 },
          ],
          steps: [{ kind: 'shot' }],
        },
      ],
    });
  });

  it('map steps and lanes onto core time lanes, blocks kept as written', () => {
    const { timeLanes } = parse(FULL);
    expect(timeLanes.stepNames).toEqual(['load', 'ramp', 'image']);
    expect(timeLanes.stepDurations.map((d) => d.source)).toEqual(['10 ms', '2 ms', '1 ms']);
    expect(
      timeLanes.lanes.get('shutter')!.equals(
        new DigitalTimeLane([
          [true, 1],
          [true, 1],
          [false, 1],
        ]),
      ),
    ).toBe(true);
    expect(
      timeLanes.lanes.get('coil')!.equals(
        new AnalogTimeLane([
          ['2 V', 1],
          [new AnalogRamp(), 2],
        ]),
      ),
    ).toBe(true);
    expect(
      timeLanes.lanes.get('camera')!.equals(
        new CameraTimeLane([
          [null, 1],
          [null, 1],
          [new TakePicture('atoms'), 1],
        ]),
      ),
    ).toBe(true);
  });

  it('format back to a file that parses to the same sequence', () => {
    const first = parse(FULL);
    const second = parse(formatSequenceFile(first));
    expect(second.iteration.toJSON()).toEqual(first.iteration.toJSON());
    expect(second.timeLanes.toJSON()).toEqual(first.timeLanes.toJSON());
  });

  it('name the file, line and column of a bad expression', () => {
    expect(
      errorOf('iteration:\n  - linspace: x\n    start: 1 MHz +\n    stop: 2\n    num: 2\n'),
    ).toMatch(
      /^iteration\[0\]\.start: a value is missing after "\+" \(file scan\.yaml:3:12, expression "1 MHz \+", column 7\)$/,
    );
  });

  it('refuse a misspelled unit with its path, line and column, and the closest units', () => {
    expect(errorOf(FULL.replace('stop: 10 MHz', 'stop: 10 Mhz'))).toBe(
      'iteration[1].stop: undefined unit "Mhz"; did you mean "MHz" or "mHz"? ' +
        '(file scan.yaml:6:11, expression "10 Mhz", column 4)',
    );
    expect(errorOf(FULL.replace('load: 10 ms', 'load: 10 mS'))).toMatch(
      /^steps\[0\]\.load: undefined unit "mS"; did you mean "ms" or "Ms"\? \(file scan\.yaml:18:11,/,
    );
    expect(errorOf(FULL.replace('analog: [2 V,', 'analog: [2 kv,'))).toMatch(
      /^lanes\.coil\.analog\[0\]: undefined unit "kv"; did you mean "kV"\? \(file scan\.yaml:26:14,/,
    );
  });

  it('refuse unknown keys, step kinds and lane types with their position', () => {
    expect(errorOf('iteration: []\nglobals: {}\n')).toMatch(
      /^globals: unknown key "globals".*scan\.yaml:2:10/,
    );
    expect(errorOf('iteration:\n  - loop: x\n')).toMatch(/iteration\[0\]: a step needs one of/);
    expect(
      errorOf('iteration:\n  - linspace: x\n    start: 0\n    stop: 1\n    num: 2\n    nm: 3\n'),
    ).toMatch(/iteration\[0\]\.nm: unknown key "nm" in a linspace step.*scan\.yaml:6:9/);
    expect(errorOf('steps:\n  - a: 1 ms\nlanes:\n  x:\n    dds: [1]\n')).toMatch(
      /lanes\.x\.dds: unknown lane type "dds" \(known: digital, analog, camera/,
    );
  });

  it('refuse a variable that is not a parameter name and a count that is not whole', () => {
    expect(errorOf('iteration:\n  - declare: 2x\n    value: 1\n')).toMatch(
      /iteration\[0\]\.declare: expected a parameter name/,
    );
    expect(
      errorOf('iteration:\n  - linspace: x\n    start: 0\n    stop: 1\n    num: 2.5\n'),
    ).toMatch(/iteration\[0\]\.num: expected a whole number, got 2\.5/);
  });
});
