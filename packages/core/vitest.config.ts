import { defineConfig } from 'vitest/config';
// Tests run against the TypeScript sources of sibling packages (no build needed);
// worker threads and discovered plugins load the built dist files.

export default defineConfig({
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    pool: 'forks',
    passWithNoTests: true,
    // A timeout catches hangs, it does not measure speed: CI shares two cores with other work.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
