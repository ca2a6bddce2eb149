// Lane compilation: time lanes to timed instructions at a sequencer's time step, in SI base units.
export * from './dimensioned-series.js';
export * from './lane-compilation-context.js';
export * from './square-wave.js';
export { evaluateAnalogExpression, evaluateDigitalExpression } from './evaluate-lane-expression.js';
export * from './compile-digital-lane.js';
export * from './compile-analog-lane.js';
export * from './compile-camera-lane.js';
