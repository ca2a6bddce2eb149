// Units and quantities: dimensions, unit symbols with SI prefixes, log units, display units.
export * from './dimension.js';
export * from './unit.js';
export * from './quantity.js';
export { UNIT_SYMBOLS, UNIT_PREFIXES } from './internal/unit-definitions.js';
