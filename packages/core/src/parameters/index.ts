// Parameters: names, types, values, the global namespace and the sequence's parameter schema.
export * from './dotted-name.js';
export * from './parameter-type.js';
export * from './parameters.js';
export * from './parameter-namespace.js';
export * from './parameter-schema.js';
