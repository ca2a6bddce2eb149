import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { InvalidValueError, type SessionStorage } from '@shotline/core';
import { DEFAULT_SCOPES, type Scope, SCOPES } from './scopes.js';

const derive = promisify(scrypt) as (
  secret: string | Buffer,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt parameters (RFC 7914; N = 2^14, r = 8: ~20-50 ms per derivation, on libuv's pool). */
const KDF = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;
const TOKEN_PATTERN = /^slt_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/** Who made a request: the token's user and scopes. */
export interface Principal {
  readonly user: string;
  readonly scopes: readonly string[];
  /** The token's public id (safe to log). */
  readonly tokenId: string;
}

/** A token just created: shown once, never stored. */
export interface CreatedToken {
  /** `slt_<id>.<secret>`: give it to the user; the lab keeps only a salted key derived from it. */
  readonly token: string;
  readonly id: string;
  readonly user: string;
  readonly scopes: readonly Scope[];
}

const USER_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Creates a token for `user` and stores its record: the public id, the user, the scopes, a random
 * salt and the scrypt key derived from the secret (never the token itself).
 */
export async function createApiToken(
  storage: SessionStorage,
  user: string,
  scopes: readonly Scope[] = DEFAULT_SCOPES,
): Promise<CreatedToken> {
  if (!USER_PATTERN.test(user)) {
    throw new InvalidValueError(
      `a token's user name is 1-64 letters, digits, ".", "_", "@" or "-", got "${user}"`,
    );
  }
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new InvalidValueError(
      `unknown token scope ${unknown.map((s) => `"${s}"`).join(', ') || '(none given)'}: use ${SCOPES.join(', ')}`,
    );
  }
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const key = await derive(secret, salt, KEY_BYTES, KDF);
  await storage.saveApiToken({
    id,
    user,
    scopes: [...scopes],
    salt: salt.toString('hex'),
    hash: key.toString('hex'),
    createdAt: new Date(),
  });
  return { token: `slt_${id}.${secret}`, id, user, scopes: [...scopes] };
}

interface CachedVerification {
  readonly digest: Buffer;
  readonly principal: Principal;
  readonly until: number;
}

/** Options of {@link TokenVerifier}. */
export interface TokenVerifierOptions {
  /** How long a verified token is trusted without deriving its key again. Default 30 s. */
  readonly cacheMs?: number;
}

/**
 * Checks bearer tokens against the lab's token records: the key is derived again from the
 * presented secret with the record's salt and compared in constant time. A verified token is
 * remembered for a short while by its SHA-256 digest (compared in constant time too), so a busy
 * client does not cost a key derivation per request; a deleted token stops working within that
 * time.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, CachedVerification>();
  private readonly cacheMs: number;

  constructor(
    private readonly storage: SessionStorage,
    options: TokenVerifierOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 30_000;
  }

  /** The principal of a valid token, or undefined (malformed, unknown, wrong secret). */
  async verify(token: string | undefined): Promise<Principal | undefined> {
    if (token === undefined) return undefined;
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const id = match[1]!;
    const digest = createHash('sha256').update(token).digest();
    const cached = this.cache.get(id);
    if (cached && cached.until > Date.now() && timingSafeEqual(cached.digest, digest)) {
      return cached.principal;
    }
    const record = (await this.storage.listApiTokens()).find((t) => t.id === id);
    if (!record) return undefined;
    const expected = Buffer.from(record.hash, 'hex');
    const key = await derive(match[2]!, Buffer.from(record.salt, 'hex'), expected.length, KDF);
    if (key.length !== expected.length || !timingSafeEqual(key, expected)) return undefined;
    const principal: Principal = { user: record.user, scopes: record.scopes, tokenId: id };
    this.cache.set(id, { digest, principal, until: Date.now() + this.cacheMs });
    return principal;
  }
}
