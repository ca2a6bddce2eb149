// Public API of @shotline/testing: fakes, simulated devices, in-memory storage, conformance suites.
export * from './storage/index.js';
export * from './devices/index.js';
export * from './contexts/index.js';
export * from './conformance/index.js';
export * from './durable/index.js';
