import { describe, expect, it } from 'vitest';
import {
  EvaluationError,
  InvalidValueError,
  ShotlineError,
  UndefinedVariableError,
  isRecoverable,
  withContext,
} from './shotline-error.js';
import { errorFromSummary, summarizeError } from './error-summary.js';

describe('ShotlineError', () => {
  it('carries a stable code, the class name and recoverability', () => {
    const e = new UndefinedVariableError('undefined variable "x"');
    expect(e.code).toBe('UNDEFINED_VARIABLE');
    expect(e.name).toBe('UndefinedVariableError');
    expect(e.recoverable).toBe(true);
    expect(e).toBeInstanceOf(EvaluationError);
    expect(new ShotlineError('bug').recoverable).toBe(false);
  });

  it('appends the location to the message and keeps inner context first', () => {
    const e = new InvalidValueError('duration is negative', {
      location: { step: 'load', expression: '-1 ms' },
    });
    expect(e.message).toBe('duration is negative (step load, expression "-1 ms")');
    e.addContext({ sequence: '\\a', shot: 3, step: 'other' });
    expect(e.message).toBe(
      'duration is negative (sequence \\a, shot 3, step load, expression "-1 ms")',
    );
  });

  it('is recoverable through causes and all-recoverable aggregates', () => {
    const inner = new InvalidValueError('bad');
    expect(isRecoverable(new Error('wrapper', { cause: inner }))).toBe(true);
    expect(isRecoverable(new AggregateError([inner, new InvalidValueError('x')]))).toBe(true);
    expect(isRecoverable(new AggregateError([inner, new Error('bug')]))).toBe(false);
    expect(isRecoverable(new Error('bug'))).toBe(false);
    expect(isRecoverable('string')).toBe(false);
  });

  it('withContext wraps foreign errors and keeps them as cause', () => {
    const foreign = new TypeError('boom');
    const wrapped = withContext(foreign, { device: 'cam' });
    expect(wrapped).toBeInstanceOf(ShotlineError);
    expect(wrapped.cause).toBe(foreign);
    expect(wrapped.message).toBe('boom (device "cam")');
  });

  it('summaries survive JSON and rebuild with code and location', () => {
    const e = new Error('shot failed', {
      cause: new UndefinedVariableError('undefined variable "x"', {
        location: { expression: 'x + 1', column: 1 },
      }),
    });
    const summary = JSON.parse(JSON.stringify(summarizeError(e)));
    expect(summary.recoverable).toBe(true);
    expect(summary.cause.code).toBe('UNDEFINED_VARIABLE');
    const rebuilt = errorFromSummary(summary);
    expect(rebuilt.message).toBe('shot failed');
    const cause = rebuilt.cause as ShotlineError;
    expect(cause.code).toBe('UNDEFINED_VARIABLE');
    expect(cause.location).toEqual({ expression: 'x + 1', column: 1 });
    expect(isRecoverable(rebuilt)).toBe(true);
  });

  it('summarises aggregates member by member', () => {
    const summary = summarizeError(
      new AggregateError([new Error('a'), new InvalidValueError('b')], 'two'),
    );
    expect(summary.errors?.map((s) => s.message)).toEqual(['a', 'b']);
    expect(errorFromSummary(summary)).toBeInstanceOf(AggregateError);
  });
});
