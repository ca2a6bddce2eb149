import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run against the TypeScript sources of sibling packages (no build needed);
  // worker threads and discovered plugins load the built dist files.
  resolve: { conditions: ['@shotline/source', 'module', 'node', 'import', 'default'] },
  // vitest passes these to Node as --conditions; without "import" among them, require('ws') (by
  // @fastify/websocket) gets ws's CommonJS entry, not its ESM wrapper (Node 20 can require ESM).
  ssr: { resolve: { conditions: ['@shotline/source', 'node', 'default'] } },
  test: {
    include: ['src/**/*.spec.ts'],
    pool: 'forks',
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: true,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
