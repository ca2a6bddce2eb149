// Public API of @shotline/visa.
export * from './visa-constants.js';
export * from './visa-errors.js';
export * from './resource-name.js';
export * from './binary-block.js';
export * from './message-based-resource.js';
export * from './open-resource.js';
export * from './library/visa-library.js';
export * from './library/visa-library-location.js';
export * from './library/visa-resource-manager.js';
export * from './simulator/dialogue-file.js';
export * from './simulator/simulated-instrument.js';
export * from './simulator/scpi-simulator.js';
export * from './simulator/simulator-fault.js';
export * from './scpi/scpi-errors.js';
export * from './scpi/scpi-instrument.js';
export * from './sdg6000x/index.js';
export { visaPlugin } from './plugin.js';
