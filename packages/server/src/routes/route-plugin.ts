import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerContext } from '../server-context.js';

/** A feature's routes: a Fastify plugin given the server's context. */
export type RoutePlugin = FastifyPluginAsyncZod<{ context: ServerContext }>;

/** The principal's user name (routes run after authentication, which sets it). */
export function userOf(request: { principal: { user: string } | null }): string {
  return request.principal?.user ?? 'anonymous';
}
