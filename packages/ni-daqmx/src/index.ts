// Public API of @shotline/ni-daqmx: the NI 6738 analog output card as a sequencer through NI-DAQmx
// (configuration, compiler, device, extension), its NI-DAQmx binding, and its simulated twin.
export * from './daqmx/daqmx-constants.js';
export * from './daqmx/daqmx-errors.js';
export * from './daqmx/daqmx-library.js';
export * from './ni6738-configuration.js';
export * from './ni6738-program.js';
export * from './ni6738-compiler.js';
export * from './ni6738.js';
export * from './ni6738-extension.js';
export * from './simulated/simulated-daqmx.js';
export * from './simulated/simulated-ni6738-configuration.js';
export * from './simulated/simulated-ni6738-extension.js';
export { niDaqmxPlugin } from './plugin.js';
