// Short names for this package's test helpers.
export { countingScan as scan } from './counting-scan.js';
export { simulatedDevice as device } from './simulated-device-configurations.js';
export { collectEvents } from './collect-events.js';
