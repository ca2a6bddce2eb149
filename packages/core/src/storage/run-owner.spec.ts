import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentRunOwner, isRunOwnerGone, processStartTime } from './process-identity.js';
import { decodeRunOwner, describeRunOwner, encodeRunOwner } from './run-owner.js';
import { InvalidStorageDataError } from './storage-errors.js';

describe('run owners', () => {
  it('round-trips as JSON, and reads the host:pid:managerId text of schema 2', () => {
    const owner = currentRunOwner('shotline run \\scan', 'id-1');
    expect(decodeRunOwner(encodeRunOwner(owner))).toEqual(owner);
    expect(decodeRunOwner('fe80::1:4242:lab-pc')).toEqual({
      id: 'lab-pc',
      host: 'fe80::1',
      pid: 4242,
      processStartedAt: null,
      label: 'manager lab-pc',
    });
    expect(() => decodeRunOwner('{"host": 3}', { sequence: '\\s' })).toThrow(
      InvalidStorageDataError,
    );
    expect(() => decodeRunOwner('{"host": 3}', { sequence: '\\s' })).toThrow(/sequence \\s/);
  });

  it('describes itself for people', () => {
    expect(
      describeRunOwner({
        id: 'x',
        host: 'lab-pc',
        pid: 7,
        processStartedAt: null,
        label: 'shotline serve',
      }),
    ).toBe('shotline serve (host lab-pc, pid 7)');
  });

  it('knows when this process started (Linux), and a dead process has no start time', () => {
    if (process.platform !== 'linux') return;
    const started = processStartTime(process.pid)!;
    const fromUptime = Date.now() - process.uptime() * 1000;
    expect(Math.abs(started - fromUptime)).toBeLessThan(5000);
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      }).stdout,
    );
    expect(processStartTime(dead)).toBeNull();
  }, 30_000);

  it('is gone only when provably so: this host, and a dead pid or a pid reused by another process', () => {
    const me = currentRunOwner('me');
    expect(isRunOwnerGone(me)).toBe(false);
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      }).stdout,
    );
    expect(isRunOwnerGone({ ...me, pid: dead })).toBe(true);
    // The parent process is alive; with another start time recorded, its pid was reused.
    expect(isRunOwnerGone({ ...me, pid: process.ppid, processStartedAt: null })).toBe(false);
    if (process.platform === 'linux') {
      expect(isRunOwnerGone({ ...me, pid: process.ppid, processStartedAt: 1_000 })).toBe(true);
      expect(isRunOwnerGone({ ...me, processStartedAt: 1_000 })).toBe(true);
    }
    expect(isRunOwnerGone({ ...me, host: `not-${hostname()}`, pid: dead })).toBe(false);
  }, 30_000);
});
