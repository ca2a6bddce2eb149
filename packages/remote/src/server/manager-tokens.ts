import { createHash, timingSafeEqual } from 'node:crypto';

/** A manager a device server serves, and the bearer token it presents. */
export interface ManagerCredential {
  /** The manager's name (for logs and the description it receives). */
  readonly name: string;
  /** The secret token (from a file or the environment; never logged). */
  readonly token: string;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The tokens of the managers a device server accepts. Tokens are kept as SHA-256 digests and
 * compared in constant time, so neither the comparison nor a memory dump of this object reveals
 * them.
 */
export class ManagerTokens {
  private readonly digests: readonly { name: string; digest: Buffer }[];

  constructor(managers: readonly ManagerCredential[]) {
    this.digests = managers.map((m) => ({ name: m.name, digest: digest(m.token) }));
  }

  /** The manager whose token is `authorization` (`Bearer <token>`), or undefined. */
  authenticate(authorization: string | undefined): string | undefined {
    if (authorization === undefined) return undefined;
    const match = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(authorization);
    if (!match) return undefined;
    const presented = digest(match[1]!);
    let found: string | undefined;
    // Every digest is compared, so the time taken does not say which manager matched.
    for (const candidate of this.digests) {
      if (timingSafeEqual(candidate.digest, presented)) found ??= candidate.name;
    }
    return found;
  }
}
