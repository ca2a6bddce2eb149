export * from './device.js';
export * from './running-shot.js';
export * from './device-controller.js';
export * from './compilation-context.js';
export * from './device-compiler.js';
export * from './device-extension.js';
export * from './trigger-bus.js';
