export * from './session-errors.js';
export * from './device-configuration.js';
export * from './experiment-session.js';
