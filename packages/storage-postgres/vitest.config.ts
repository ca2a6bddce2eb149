import { defineConfig } from 'vitest/config';
// Tests run against the TypeScript sources of sibling packages (no build needed);
// worker threads and discovered plugins load the built dist files.

export default defineConfig({
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  // Vitest passes these conditions to Node as --conditions; 'import' there would make pg's CommonJS
  // require('pg-pool') load pg-pool's ES module (Node 20.19 require(esm)) and break pg.
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    passWithNoTests: true,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
