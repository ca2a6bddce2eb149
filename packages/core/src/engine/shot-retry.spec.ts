import { describe, expect, it } from 'vitest';
import { DeviceTimeoutError, InvalidValueError } from '../errors/index.js';
import { DeviceShotError } from './engine-errors.js';
import { matchesRetryPolicy } from './shot-retry.js';

describe('the retry policy', () => {
  const timeoutInShot = new DeviceShotError('cam', 3, new DeviceTimeoutError('no frame'));

  it('matches a configured code or class anywhere in the cause chain', () => {
    expect(matchesRetryPolicy(timeoutInShot, ['DEVICE_TIMEOUT'])).toBe(true);
    expect(matchesRetryPolicy(timeoutInShot, [DeviceTimeoutError])).toBe(true);
    expect(
      matchesRetryPolicy(new AggregateError([new Error('x'), timeoutInShot]), ['DEVICE_TIMEOUT']),
    ).toBe(true);
  });

  it('does not match other errors, nor anything when nothing is configured', () => {
    expect(matchesRetryPolicy(timeoutInShot, [])).toBe(false);
    expect(
      matchesRetryPolicy(new DeviceShotError('cam', 3, new InvalidValueError('x')), [
        'DEVICE_TIMEOUT',
      ]),
    ).toBe(false);
    expect(matchesRetryPolicy('a string', ['DEVICE_TIMEOUT'])).toBe(false);
  });

  it("matches a foreign error's string code", () => {
    const econn = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    expect(matchesRetryPolicy(new Error('wrapper', { cause: econn }), ['ECONNREFUSED'])).toBe(true);
  });
});
