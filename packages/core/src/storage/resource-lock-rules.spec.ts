import { describe, expect, it } from 'vitest';
import {
  LAB_RESOURCE,
  type StoredLockRow,
  lockConflict,
  lockRowsToCheck,
} from './storage-rules.js';

const NOW = 1_700_000_000_000;

function row(resource: string, holder: string, expiresIn = 60_000): StoredLockRow {
  return {
    resource,
    holder_id: holder,
    holder: JSON.stringify({ id: holder }),
    sequence: null,
    acquired_at: NOW - 1000,
    renewed_at: new Date(NOW - 500),
    expires_at: NOW + expiresIn,
  };
}

const alive = () => false;

describe('resource lock rules', () => {
  it('checks the resources asked for and the lab; everything when the lab is asked for', () => {
    expect(lockRowsToCheck(['device:a', 'sequence:\\s'])).toEqual([
      'device:a',
      'sequence:\\s',
      LAB_RESOURCE,
    ]);
    expect(lockRowsToCheck([LAB_RESOURCE])).toBe('all');
  });

  it('is blocked by another holder on a resource asked for, reported in the order asked', () => {
    const rows = [row('device:b', 'x'), row('device:a', 'y'), row('device:c', 'z')];
    expect(lockConflict(['device:a', 'device:b'], 'me', rows, NOW, alive)?.resource).toBe(
      'device:a',
    );
    expect(lockConflict(['device:d'], 'me', rows, NOW, alive)).toBeUndefined();
  });

  it('never by its own locks, by an expired lease or by a holder whose process is gone', () => {
    expect(lockConflict(['device:a'], 'me', [row('device:a', 'me')], NOW, alive)).toBeUndefined();
    expect(lockConflict(['device:a'], 'me', [row('device:a', 'x', 0)], NOW, alive)).toBeUndefined();
    expect(
      lockConflict(['device:a'], 'me', [row('device:a', 'x')], NOW, (r) => r.holder_id === 'x'),
    ).toBeUndefined();
    expect(lockConflict(['device:a'], 'me', [row('device:a', 'x', 1)], NOW, alive)).toBeDefined();
  });

  it('the lab excludes everything, and anything held excludes the lab', () => {
    expect(
      lockConflict(['device:a'], 'me', [row(LAB_RESOURCE, 'server')], NOW, alive)?.resource,
    ).toBe(LAB_RESOURCE);
    expect(
      lockConflict([LAB_RESOURCE], 'server', [row('device:q', 'run')], NOW, alive)?.resource,
    ).toBe('device:q');
    expect(
      lockConflict(['device:a'], 'server', [row(LAB_RESOURCE, 'server')], NOW, alive),
    ).toBeUndefined();
  });
});
