import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunOwner } from './run-owner.js';

/** Linux's USER_HZ: the unit of the start times in `/proc/<pid>/stat` (100 on every architecture). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Start times closer than this are the same process (the boot time of `/proc/stat` is in seconds). */
const SAME_START_TOLERANCE_MS = 2000;

/** When this machine booted (ms since the epoch), from `/proc/stat`; null without `/proc`. */
function bootTime(): number | null {
  try {
    const line = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return line ? Number(line[1]) * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * When a process of this machine started, in milliseconds since the epoch, read from
 * `/proc/<pid>/stat`; null where there is no `/proc` (macOS, Windows) or no such process.
 */
export function processStartTime(pid: number): number | null {
  const boot = bootTime();
  if (boot === null) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]); // field 22, starttime
  return Number.isFinite(ticks) ? boot + (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
}

/** True if a process with this id exists on this machine (a permission error means it exists). */
export function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A {@link RunOwner} for this process: this host, this pid and its start time, a new random id
 * unless one is given, and a label saying what it is (`shotline run \scan`, `manager lab-pc`).
 */
export function currentRunOwner(label: string, id: string = randomUUID()): RunOwner {
  return {
    id,
    host: hostname(),
    pid: process.pid,
    processStartedAt: processStartTime(process.pid),
    label,
  };
}

/**
 * Whether the process of an owner is provably gone, seen from this machine: it ran on this host and
 * no process has its pid any more, or the pid now belongs to a process started at another time (a
 * reused pid). An owner on another host is never claimed gone here (its lease tells).
 */
export function isRunOwnerGone(
  owner: Pick<RunOwner, 'host' | 'pid' | 'processStartedAt'>,
): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) {
    const mine = processStartTime(process.pid);
    return (
      owner.processStartedAt !== null &&
      mine !== null &&
      Math.abs(mine - owner.processStartedAt) > SAME_START_TOLERANCE_MS
    );
  }
  if (!processExists(owner.pid)) return true;
  if (owner.processStartedAt === null) return false;
  const started = processStartTime(owner.pid);
  return started !== null && Math.abs(started - owner.processStartedAt) > SAME_START_TOLERANCE_MS;
}
