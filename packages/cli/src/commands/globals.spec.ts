import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';

describe('shotline globals', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('sets the globals from a nested YAML file and prints them back', async () => {
    lab = await tempLab();
    const file = join(lab.dir, 'globals.yaml');
    writeFileSync(file, 'mot:\n  detuning: -2 MHz\n  power: 3 mW\nrepeats: 3\nimaging: true\n');
    expect((await lab.run(['globals', 'set', file])).code).toBe(0);
    const text = await lab.run(['globals', 'get']);
    expect(text.stdout).toBe(
      'mot:\n  detuning: -2 MHz\n  power: 3 mW\nrepeats: "3"\nimaging: Enabled\n',
    );
    const values = await lab.run(['globals', 'get', '--evaluated']);
    expect(values.stdout).toContain('mot.detuning = -2 MHz');
    expect(values.stdout).toContain('imaging = true');
    expect(await lab.json(['globals', 'get', 'mot.power'])).toEqual({
      name: 'mot.power',
      expression: '3 mW',
    });
  });

  it('changes and adds parameters with name=expression pairs', async () => {
    lab = await tempLab();
    await lab.json(['globals', 'set', 'a=1 MHz', 'b=2 * a']);
    await lab.json(['globals', 'set', 'a=3 MHz']);
    const values = await lab.run(['globals', 'get', '--evaluated']);
    expect(values.stdout).toBe('a = 3 MHz\nb = 6 MHz\n');
  });

  it('refuses a bad expression with its location and keeps the old globals', async () => {
    lab = await tempLab();
    await lab.json(['globals', 'set', 'a=1 MHz']);
    const file = join(lab.dir, 'globals.yaml');
    writeFileSync(file, 'a: 2 MHz\nb:\n  c: 3 furlongs\n');
    const result = await lab.run(['globals', 'set', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/b\.c: .*furlongs.*file globals\.yaml:3:6/);
    const undefinedVariable = await lab.run(['globals', 'set', 'x=y + 1 MHz']);
    expect(undefinedVariable.code).toBe(1);
    expect(undefinedVariable.stderr).toMatch(/"y".*parameter "x"/);
    expect((await lab.run(['globals', 'get'])).stdout).toBe('a: 1 MHz\n');
  });
});
