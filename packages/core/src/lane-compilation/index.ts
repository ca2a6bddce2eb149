// Lane compilation: time lanes to timed instructions at a sequencer's time step, in SI base units.
//
// Per shot cost: each lane remembers (weakly, with the lane, per time step) the values of its blocks,
// and a block is evaluated again only when its number of ticks or the parameters its expression
// reads change (for a function of t, also its offset from the tick grid and its duration). A scan of
// one parameter or of one step duration thus recompiles only the blocks it changes; error
// locations are built only when an error is thrown.
export * from './dimensioned-series.js';
export * from './lane-compilation-context.js';
export * from './square-wave.js';
export { evaluateAnalogExpression, evaluateDigitalExpression } from './evaluate-lane-expression.js';
export * from './compile-digital-lane.js';
export * from './compile-analog-lane.js';
export * from './compile-camera-lane.js';
