import { defineConfig } from 'vitest/config';
// Tests run against the TypeScript sources of sibling packages (no build needed);
// worker threads and discovered plugins load the built dist files.

export default defineConfig({
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    passWithNoTests: true,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
