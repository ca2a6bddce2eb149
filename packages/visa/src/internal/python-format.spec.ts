import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TemplateSyntaxError,
  formatField,
  formatTemplate,
  parseTemplate,
  templateFields,
  templateRegExp,
} from './python-format.js';

/** Python's own `format`, as the oracle; undefined when python3 is missing. */
function pythonFormat(cases: [number, string][]): string[] | undefined {
  try {
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import json,sys\n' +
          'cases=json.load(sys.stdin)\n' +
          "print(json.dumps([format(int(v) if s.endswith('d') else float(v), s) for v, s in cases]))",
      ],
      { input: JSON.stringify(cases), encoding: 'utf8' },
    );
    return JSON.parse(out) as string[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

describe('Python format specifications', () => {
  it('formats like Python for every supported spec (Python is the oracle)', () => {
    const specs = ['d', '+d', 'f', '.2f', '.0f', 'e', '+.8E', '.3e', 'g', '.12g', '.3g', 'G', '+g'];
    const cases = fc
      .sample(
        fc.tuple(
          fc.oneof(
            fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
            fc.double({ min: -1e-3, max: 1e-3, noNaN: true, noDefaultInfinity: true }),
            fc.integer({ min: -1e9, max: 1e9 }),
          ),
          fc.constantFrom(...specs),
        ),
        { numRuns: 400, seed: 42 },
      )
      .map(([v, s]): [number, string] => [s.endsWith('d') ? Math.trunc(v) : v, s]);
    const expected = pythonFormat(cases);
    if (expected === undefined) {
      console.warn('skipping the comparison with Python: python3 is not installed');
      return;
    }
    cases.forEach(([value, spec], i) => {
      const field = templateFields(parseTemplate(`{:${spec}}`))[0]!;
      expect(`${formatField(field, value)} for ${value} {:${spec}}`).toBe(
        `${expected[i]} for ${value} {:${spec}}`,
      );
    });
  });

  it('formats named fields from a lookup', () => {
    const template = parseTemplate('C1:BSWV FRQ,{frequency:.12g}HZ,AMP,{amplitude}V {{raw}}');
    expect(formatTemplate(template, (n) => ({ frequency: 1e8, amplitude: 0.5 })[n]!)).toBe(
      'C1:BSWV FRQ,100000000HZ,AMP,0.5V {raw}',
    );
  });

  it('compiles a setter template to a case-insensitive regular expression', () => {
    const regex = templateRegExp(parseTemplate('C1:BSWV FRQ,{:g}'));
    expect(regex.exec('c1:bswv   FRQ,1.5e+06')?.[1]).toBe('1.5e+06');
    expect(regex.exec('C1:BSWV FRQ,abc')).toBeNull();
    expect(templateRegExp(parseTemplate('N {:d}')).exec('N 12')?.[1]).toBe('12');
    expect(templateRegExp(parseTemplate('N {:d}')).exec('N 1.5')).toBeNull();
  });

  it.each(['{:x}', '{:>10}', 'a}b', '{unclosed'])('rejects the unsupported template %j', (t) => {
    expect(() => parseTemplate(t)).toThrow(TemplateSyntaxError);
  });
});
