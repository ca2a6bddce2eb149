import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run against the TypeScript sources of sibling packages (no build needed);
  // worker threads and discovered plugins load the built dist files.
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'import', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    pool: 'forks',
    // Integration tests (compiled fakes, the shotline binary) on a busy machine: timeouts catch hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    passWithNoTests: true,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
