import { defineConfig } from 'vitest/config';

// Unit tests of the UI's pure parts (src/**/*.spec.ts) and the end-to-end tests in a real browser
// (e2e/**/*.spec.ts: Debian's chromium through playwright-core against `shotline demo --serve`).
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'e2e/**/*.spec.ts'],
    pool: 'forks',
    passWithNoTests: true,
    // A timeout catches hangs, it does not measure speed: CI shares two cores with other work.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
