import { defineConfig } from 'vitest/config';
// Tests run against the TypeScript sources of sibling packages (no build needed);
// worker threads and discovered plugins load the built dist files.

export default defineConfig({
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    pool: 'forks',
    // Real pseudo-terminals, socat and timed resynchronisations: generous on a loaded 2-core
    // machine. A timeout here catches hangs; no test asserts a duration.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    passWithNoTests: true,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
