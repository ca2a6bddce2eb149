// Public API of @shotline/server.
export * from './lab-server.js';
export * from './server-context.js';
export * from './auth/scopes.js';
export * from './auth/api-tokens.js';
export * from './lab/lab-ownership.js';
export * from './lab/server-file.js';
export * from './http/server-errors.js';
export * from './api/queue-api.js';
export * from './api/lab-api.js';
export * from './events/event-hub.js';
export * from './queue/queue-runner.js';
export * from './queue/queue-options.js';
export { LabClient } from './client/lab-client.js';
