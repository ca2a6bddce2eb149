import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** `Cache-Control` of the page: always revalidated, so a new version of the UI is seen at once. */
export const PAGE_CACHE_CONTROL = 'no-cache';
/** `Cache-Control` of the bundle's files: their names carry a hash of their content. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * What the page may load and connect to: only this server (the event stream included). Inline
 * styles are allowed (the plot library positions its elements with them); no inline script.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', PAGE_CACHE_CONTROL)
    .header('content-security-policy', PAGE_CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer');
}

/**
 * The web control room's static files (the built `@shotline/web`), public like `/health`: the page
 * holds no data, and every API call it makes carries the user's token. `/` is the page (never
 * cached without revalidation); `/assets/*` are the hashed bundle files (cached for a year). Only
 * these two routes exist, so the API's routes and its 404s are untouched.
 */
export const webRoutes: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });
  const page = {
    config: { scope: 'public' as const },
    schema: { hide: true },
  };
  app.get('/', page, (_request, reply) =>
    pageHeaders(reply).sendFile('index.html', root, { cacheControl: false }),
  );
  app.get('/index.html', page, (_request, reply) =>
    pageHeaders(reply).sendFile('index.html', root, { cacheControl: false }),
  );
  app.get<{ Params: { '*': string } }>('/assets/*', page, (request, reply) =>
    reply
      .header('cache-control', ASSET_CACHE_CONTROL)
      .header('x-content-type-options', 'nosniff')
      .sendFile(`assets/${request.params['*']}`, root, { cacheControl: false }),
  );
};
