import { AuthenticationError, BEARER_PROTOCOL_PREFIX, PermissionDeniedError } from '@shotline/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, TokenVerifier } from './api-tokens.js';
import { type Scope, allows } from './scopes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a token needs to use the route; `public` routes need none (only /health). */
    scope?: Scope | 'public';
  }
  interface FastifyRequest {
    /** Who sent the request (set by the authentication hook). */
    principal: Principal | null;
  }
}

/** The bearer token of a request: the Authorization header, or the event stream's subprotocol. */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? match[1] : undefined;
  }
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',').map((s) => s.trim())) {
      if (p.startsWith(BEARER_PROTOCOL_PREFIX)) return p.slice(BEARER_PROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

/**
 * Every request needs a valid token with the route's scope (401 without one, 403 when its scopes
 * do not allow the route), checked before the body is read or anything is done. A route without a
 * declared scope needs `admin`: forgetting to declare one closes a route, never opens it.
 */
export function registerAuthentication(app: FastifyInstance, tokens: TokenVerifier): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config.scope ?? 'admin';
    if (needed === 'public') return;
    const principal = await tokens.verify(presentedToken(request));
    if (!principal) {
      throw new AuthenticationError(
        'a valid token is required: send "Authorization: Bearer <token>" (create one with "shotline token create <user>")',
      );
    }
    if (!allows(principal.scopes, needed)) {
      throw new PermissionDeniedError(
        `the token of "${principal.user}" has the scopes ${principal.scopes.join(', ')}; ${request.method} ${request.routeOptions.url ?? ''} needs "${needed}"`,
      );
    }
    request.principal = principal;
  });
}
