export * from './container.js';
export * from './plugin-errors.js';
export * from './shotline-plugin.js';
export * from './device-registry.js';
export * from './discover-plugins.js';
export * from './load-plugins.js';
