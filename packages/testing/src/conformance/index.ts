// The conformance kit for device extensions: every driver package runs it against its simulator.
export * from './describe-device-extension.js';
export * from './procedure-conformance.js';
