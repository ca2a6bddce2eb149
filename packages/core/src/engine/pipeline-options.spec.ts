import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultCompileWorkers, resolvePipelineOptions } from './pipeline-options.js';

describe('pipeline options', () => {
  it('defaults: min(4, cores - 1) workers, 2 x duration + 2 s timeout, 10 s compile deadline, no retry', () => {
    const o = resolvePipelineOptions();
    expect(o.compileWorkers).toBe(Math.max(0, Math.min(4, availableParallelism() - 1)));
    expect(defaultCompileWorkers()).toBe(o.compileWorkers);
    expect(o.shotTimeoutMs(0.5)).toBe(3_000);
    expect(o.compileDeadlineMs).toBe(10_000);
    expect(o.maxAttempts).toBe(1);
    expect(o.retryOn).toEqual([]);
  });

  it('accepts a fixed or computed shot timeout', () => {
    expect(resolvePipelineOptions({ shotTimeoutMs: 50 }).shotTimeoutMs(100)).toBe(50);
    expect(resolvePipelineOptions({ shotTimeoutMs: (d) => d * 1000 + 1 }).shotTimeoutMs(2)).toBe(
      2001,
    );
  });

  it('rejects bad values, naming the option', () => {
    expect(() => resolvePipelineOptions({ compileWorkers: -1 })).toThrow(
      /compileWorkers must be an integer >= 0/,
    );
    expect(() => resolvePipelineOptions({ lookAhead: 0 })).toThrow(/lookAhead/);
    expect(() => resolvePipelineOptions({ compileDeadlineMs: 0 })).toThrow(
      /compileDeadlineMs must be a positive/,
    );
    expect(() => resolvePipelineOptions({ retry: { maxAttempts: 1.5 } })).toThrow(
      /retry\.maxAttempts/,
    );
  });
});
