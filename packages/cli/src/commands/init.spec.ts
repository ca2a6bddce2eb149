import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shotline, tempDir, type TempDir } from '../cli.test-helper.js';

describe('shotline init', () => {
  let temp: TempDir;
  afterEach(() => temp.dispose());

  it('creates a lab folder with a documented config and an SQLite file next to it', async () => {
    temp = tempDir();
    const lab = join(temp.dir, 'my lab');
    const result = await shotline(['init', lab]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('created lab');
    const config = readFileSync(join(lab, 'shotline.yaml'), 'utf8');
    expect(config).toContain('storage: "sqlite:shotline.sqlite"');
    expect(existsSync(join(lab, 'shotline.sqlite'))).toBe(true);
  });

  it('writes the allow-list and reports the storage as JSON', async () => {
    temp = tempDir();
    const lab = join(temp.dir, 'lab');
    const result = await shotline(['--json', 'init', lab, '--allow', '@shotline/camera,@lab/x']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { storage: string; config: string };
    expect(json.storage).toBe(join(lab, 'shotline.sqlite'));
    expect(readFileSync(json.config, 'utf8')).toContain('allow: ["@shotline/camera","@lab/x"]');
  });

  it('refuses a folder that already is a lab and leaves its config alone', async () => {
    temp = tempDir();
    const lab = join(temp.dir, 'lab');
    expect((await shotline(['init', lab])).code).toBe(0);
    writeFileSync(join(lab, 'shotline.yaml'), 'version: 1\n# mine\n');
    const again = await shotline(['init', lab]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(join(lab, 'shotline.yaml'), 'utf8')).toBe('version: 1\n# mine\n');
  });

  it('refuses an unknown storage URL with one line and writes nothing', async () => {
    temp = tempDir();
    const lab = join(temp.dir, 'lab');
    const result = await shotline(['init', lab, '--storage', 'mysql://db/x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[LAB_CONFIG\]: storage: unknown storage "mysql:"/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(lab)).toBe(false);
  });

  it('names the file, line and column of an invalid lab configuration', async () => {
    temp = tempDir();
    const lab = join(temp.dir, 'lab');
    expect((await shotline(['init', lab])).code).toBe(0);
    writeFileSync(join(lab, 'shotline.yaml'), 'version: 1\nstorage: sqlite:x.sqlite\nplugns: {}\n');
    const result = await shotline(['--lab', lab, 'devices'], { cwd: temp.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /LAB_CONFIG\]: plugns: Unrecognized key: "plugns" \(file lab\/shotline\.yaml:3:9\)/,
    );
  });

  it('explains how to make a lab when there is none', async () => {
    temp = tempDir();
    const result = await shotline(['seq', 'list'], { cwd: temp.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no shotline\.yaml .* run "shotline init <folder>"/);
  });
});
