export * from './sdg6000x-configuration.js';
export * from './sdg6000x-compiler.js';
export * from './sdg6000x-instrument.js';
export * from './sdg6000x-device.js';
export * from './sdg6000x-controller.js';
export * from './sdg6000x-extension.js';
