import { hostname } from 'node:os';

/** Who runs a sequence: the host, the process and the manager, stored as `host:pid:managerId`. */
export interface SequenceOwner {
  readonly host: string;
  readonly pid: number;
  readonly managerId: string;
}

/** `host:pid:managerId`. The manager id cannot contain `:`. */
export function formatSequenceOwner(owner: SequenceOwner): string {
  return `${owner.host}:${owner.pid}:${owner.managerId}`;
}

/** Parses `host:pid:managerId` (the host may contain `:`); undefined when malformed. */
export function parseSequenceOwner(text: string | null | undefined): SequenceOwner | undefined {
  if (!text) return undefined;
  const match = /^(.+):(\d+):([^:]+)$/.exec(text);
  if (!match) return undefined;
  return { host: match[1]!, pid: Number(match[2]), managerId: match[3]! };
}

/** True if a process with this id exists on this machine (a permission error means it exists). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner describing this process and a manager id. */
export function currentOwner(managerId: string): SequenceOwner {
  return { host: hostname(), pid: process.pid, managerId };
}

/**
 * Whether the manager that owns a stale sequence is provably gone, seen from `self`: on this host,
 * it had the same manager id (a restarted manager) or ran in a process that no longer exists. A
 * sequence of another host sharing the database, of another live manager in this process, or whose
 * owner cannot be read, is never claimed dead.
 */
export function isOwnerGone(owner: string | null, self: SequenceOwner): boolean {
  const parsed = parseSequenceOwner(owner);
  if (!parsed || parsed.host !== self.host) return false;
  if (parsed.managerId === self.managerId) return true;
  if (parsed.pid === self.pid) return false;
  return !processExists(parsed.pid);
}
