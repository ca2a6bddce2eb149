import { defineConfig } from 'vitest/config';
// Tests run against the TypeScript sources of sibling packages (no build needed);
// worker threads and discovered plugins load the built dist files.

export default defineConfig({
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    pool: 'forks',
    // These tests run sequences on simulated devices: generous, so that a busy machine (CI shares
    // its cores) never fails them; a timeout here only catches hangs.
    testTimeout: 60_000,
    passWithNoTests: true,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
