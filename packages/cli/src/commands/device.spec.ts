import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempLab, type TempLab } from '../cli.test-helper.js';

interface DeviceJson {
  name: string;
  type: string;
  configuration: Record<string, unknown>;
  valid?: boolean;
}

describe('shotline device', () => {
  let lab: TempLab;
  afterEach(() => lab.dispose());

  it('adds a device with the default configuration of its type', async () => {
    lab = await tempLab();
    const added = await lab.json<DeviceJson>([
      'device',
      'add',
      'shutter',
      '--type',
      'shotline.testing.slow',
    ]);
    expect(added.configuration).toEqual({ openMs: 0, shotMs: 10, compileMs: 0 });
    const list = await lab.json<DeviceJson[]>(['device', 'list']);
    expect(list).toEqual([{ ...added, valid: true }]);
    const text = await lab.run(['device', 'list']);
    expect(text.stdout).toMatch(/shutter\s+shotline\.testing\.slow\s+ok/);
  });

  it('adds a device from a YAML file with --set changes on top', async () => {
    lab = await tempLab();
    const file = join(lab.dir, 'slow.yaml');
    writeFileSync(file, 'openMs: 5\nshotMs: 20\n');
    const added = await lab.json<DeviceJson>([
      'device',
      'add',
      'slow',
      '--type',
      'shotline.testing.slow',
      '--config',
      file,
      '--set',
      'compileMs=2',
    ]);
    expect(added.configuration).toEqual({ openMs: 5, shotMs: 20, compileMs: 2 });
  });

  it('refuses an invalid configuration file naming the line and column, storing nothing', async () => {
    lab = await tempLab();
    const file = join(lab.dir, 'slow.yaml');
    writeFileSync(file, 'openMs: 5\nshotMs: -20\n');
    const result = await lab.run([
      'device',
      'add',
      'slow',
      '--type',
      'shotline.testing.slow',
      '--config',
      file,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/shotMs: Too small.*file slow\.yaml:2:9/);
    expect(await lab.json(['device', 'list'])).toEqual([]);
  });

  it('edits a device with --set and with a file, validating with the type schema', async () => {
    lab = await tempLab();
    await lab.json(['device', 'add', 'slow', '--type', 'shotline.testing.slow']);
    const edited = await lab.json<DeviceJson>(['device', 'edit', 'slow', '--set', 'shotMs=30']);
    expect(edited.configuration.shotMs).toBe(30);
    const bad = await lab.run(['device', 'edit', 'slow', '--set', 'shotMs=fast']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_DEVICE_CONFIGURATION.*shotMs.*device "slow"/);
    const file = join(lab.dir, 'new.json');
    writeFileSync(file, '{"openMs": 1}');
    const replaced = await lab.json<DeviceJson>(['device', 'edit', 'slow', '--config', file]);
    expect(replaced.configuration).toEqual({ openMs: 1, shotMs: 10, compileMs: 0 });
    const shown = await lab.json<DeviceJson>(['device', 'show', 'slow']);
    expect(shown.configuration).toEqual(replaced.configuration);
  });

  it('names the missing package for a device type no plugin provides', async () => {
    lab = await tempLab();
    const result = await lab.run(['device', 'add', 'laser', '--type', 'shotline.lasers.toptica']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /MISSING_DEVICE_PLUGIN.*"shotline\.lasers\.toptica".*npm install @shotline\/lasers.*device "laser"/,
    );
  });

  it('removes a device, and says so when there is none', async () => {
    lab = await tempLab();
    await lab.json(['device', 'add', 'slow', '--type', 'shotline.testing.slow']);
    expect((await lab.run(['device', 'remove', 'slow'])).code).toBe(0);
    expect(await lab.json(['device', 'list'])).toEqual([]);
    const again = await lab.run(['device', 'remove', 'slow']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/DEVICE_CONFIGURATION_NOT_FOUND/);
  });
});
