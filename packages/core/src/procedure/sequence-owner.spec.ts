import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  currentOwner,
  formatSequenceOwner,
  isOwnerGone,
  parseSequenceOwner,
} from './sequence-owner.js';

describe('sequence owners', () => {
  it('round-trips host:pid:managerId, hosts with colons included', () => {
    const owner = { host: 'fe80::1', pid: 42, managerId: 'lab-pc' };
    expect(parseSequenceOwner(formatSequenceOwner(owner))).toEqual(owner);
    expect(parseSequenceOwner('no pid here')).toBeUndefined();
    expect(parseSequenceOwner(null)).toBeUndefined();
  });

  it('claims dead only what it can prove: same host and (same manager id or dead process)', () => {
    const self = currentOwner('me');
    const here = hostname();
    expect(isOwnerGone(`${here}:999999:old`, self)).toBe(true);
    expect(isOwnerGone(`${here}:${process.pid}:me`, self)).toBe(true);
    expect(isOwnerGone(`${here}:${process.pid}:other-live-manager`, self)).toBe(false);
    expect(isOwnerGone(`${here}:${process.ppid}:parent`, self)).toBe(false);
    expect(isOwnerGone(`another-pc:999999:me`, self)).toBe(false);
    expect(isOwnerGone(null, self)).toBe(false);
  });
});
