// The JavaScript examples of the guides run as written on the Node version of the machine (the
// minimum is 20.19): every ```js block that starts with an import is a complete program, written
// to a file and run with plain `node` (no TypeScript, no test runner), and must exit cleanly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const guides = [
  'packages/core/README.md',
  'packages/core/docs/engine.md',
  'docs/what-happens-when-something-fails.md',
];
// Inside the workspace, so that `@shotline/*` resolve to the built packages.
const dir = join(root, 'packages', 'testing', 'node_modules', '.cache', 'docs-examples');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function programs(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((code) => code.startsWith('import '));
}

describe.each(guides)('the JavaScript examples of %s', (guide) => {
  const examples = programs(guide);
  it('has at least one complete program', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  it.each(examples.map((code, i) => [i + 1, code] as const))(
    'example %i runs with plain node',
    (i, code) => {
      const file = join(dir, `${guide.replace(/[/.]/g, '-')}-${i}.mjs`);
      writeFileSync(file, code);
      const run = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000 });
      expect(run.stderr).toBe('');
      expect(run.status, run.stdout).toBe(0);
      expect(process.versions.node.split('.').map(Number)[0]).toBeGreaterThanOrEqual(20);
    },
    150_000,
  );
});
