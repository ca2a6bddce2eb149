// Short names for the helpers of simulated-sequences.ts in this package's tests.
export {
  collectEvents,
  simulatedDevice as device,
  simulatedScan as scan,
} from './simulated-sequences.js';
