// @shotline/server/client: a client of the lab server's routes, without the server itself (no
// Fastify): what the command line loads when a server runs for the lab.
export * from './lab-client.js';
export * from '../api/queue-api.js';
export * from '../api/lab-api.js';
export * from '../lab/server-file.js';
export { queuedRunOptionsSchema, type QueuedRunOptions } from '../queue/queue-options.js';
