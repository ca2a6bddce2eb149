// Device contexts for drivers' unit tests, built on the engine's own (`createSequenceContext`,
// `createShotContext`, `SharedShot` from core): a shot context to test a compiler with, a
// recording running shot to test a controller with.
export * from './step-time-lanes.js';
export * from './test-sequence-context.js';
export * from './test-shot-context.js';
export * from './recording-shot.js';
