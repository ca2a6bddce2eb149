// Public API of @shotline/core. Each area re-exports its public symbols from its own barrel.
import 'reflect-metadata';

export * from './errors/index.js';
export * from './result/index.js';
export * from './path/index.js';
export * from './sequence/index.js';
export * from './data/index.js';
export * from './units/index.js';
export * from './expression/index.js';
export * from './parameters/index.js';
export * from './iteration/index.js';
export * from './time/index.js';
export * from './time-lanes/index.js';
export * from './instructions/index.js';
export * from './lane-compilation/index.js';
export * from './storage/index.js';
export * from './reading/index.js';
export * from './device/index.js';
export * from './plugins/index.js';
export * from './events/index.js';
export * from './suspenders/index.js';
export * from './session/index.js';
export * from './engine/index.js';
export * from './procedure/index.js';
export * from './remote/index.js';
