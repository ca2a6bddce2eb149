import { randomUUID } from 'node:crypto';

/** A client's session: its event stream connections and what belongs to it (procedures). */
export interface ClientSession {
  readonly id: string;
  readonly user: string;
  /** Open event-stream connections. */
  connections: number;
  expiry: NodeJS.Timeout | undefined;
}

/**
 * The sessions of event-stream clients. A session lives while one of its connections is open and
 * for a grace period after the last one closed (the client reconnects and resumes); then it expires
 * and what belonged to it is released (`onExpired`).
 */
export class ClientSessions {
  private readonly sessions = new Map<string, ClientSession>();

  constructor(
    private readonly graceMs: number,
    private readonly onExpired: (session: ClientSession) => void,
  ) {}

  /** Attaches a connection to the session `requested` of the same user, or to a new session. */
  attach(user: string, requested: string | undefined): ClientSession {
    const existing = requested === undefined ? undefined : this.sessions.get(requested);
    const session =
      existing && existing.user === user
        ? existing
        : { id: randomUUID(), user, connections: 0, expiry: undefined };
    clearTimeout(session.expiry);
    session.expiry = undefined;
    session.connections += 1;
    this.sessions.set(session.id, session);
    return session;
  }

  /** A connection of the session closed; the last one starts the grace period. */
  detach(session: ClientSession): void {
    session.connections -= 1;
    if (session.connections > 0) return;
    session.expiry = setTimeout(() => this.expire(session), this.graceMs);
    session.expiry.unref();
  }

  /** The session with this id if it belongs to `user`. */
  get(id: string, user: string): ClientSession | undefined {
    const session = this.sessions.get(id);
    return session && session.user === user ? session : undefined;
  }

  private expire(session: ClientSession): void {
    if (session.connections > 0) return;
    this.sessions.delete(session.id);
    this.onExpired(session);
  }

  /** Forgets every session (shutdown). */
  clear(): void {
    for (const session of this.sessions.values()) clearTimeout(session.expiry);
    this.sessions.clear();
  }
}
