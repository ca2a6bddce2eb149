import { PROCEDURE_ROUTES, PermissionDeniedError, type ServerMessageJson } from '@shotline/core';
import { z } from 'zod';
import { type RoutePlugin, userOf } from './route-plugin.js';

/** `GET /api/events?session=&since=` (WebSocket). */
export const eventStreamQuerySchema = z
  .object({
    /** Resume this session (its procedures stay this client's). */
    session: z.string().max(100).optional(),
    /** The last sequence number received: what came after is sent first. */
    since: z.coerce.number().int().min(0).optional(),
  })
  .strict();

/** Whether a browser page of `origin` may open the event stream of a server reached as `host`. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true; // not a browser: the token is what counts
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The event stream: a WebSocket of numbered messages (engine events, ends of remote runs, gaps).
 * A browser page may open it only from the server's own origin or an allowed one (a page of another
 * site cannot use a token it does not have, but must not even try).
 */
export const eventRoutes: RoutePlugin = async (app, { context }) => {
  const { hub, sessions } = context;
  app.get(
    PROCEDURE_ROUTES.events,
    {
      websocket: true,
      config: { scope: 'read' },
      schema: {
        summary: 'The event stream (WebSocket; subprotocol shotline.v1)',
        tags: ['events'],
        querystring: eventStreamQuerySchema,
      },
      preValidation: async (request) => {
        if (!originAllowed(request.headers.origin, request.headers.host, context.allowedOrigins)) {
          throw new PermissionDeniedError(
            `the event stream cannot be opened from a page of ${request.headers.origin}: only from this server's own origin, or one given with --allow-origin`,
          );
        }
      },
    },
    (socket, request) => {
      const query = request.query as z.infer<typeof eventStreamQuerySchema>;
      const session = sessions.attach(userOf(request), query.session);
      const hello: ServerMessageJson = {
        kind: 'hello',
        session: session.id,
        epoch: hub.epoch,
        seq: hub.lastSeq,
      };
      socket.send(JSON.stringify(hello));
      const resumed = query.session === session.id ? query.since : undefined;
      const unsubscribe = hub.subscribe(socket, resumed);
      socket.on('message', () => {
        // Clients do not talk on the stream; commands are HTTP requests.
      });
      socket.on('close', () => {
        unsubscribe();
        sessions.detach(session);
      });
    },
  );
};
