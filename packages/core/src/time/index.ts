// Exact time: integer picoseconds, step durations, and the tick rule of sequencers.
export * from './picoseconds.js';
export * from './ticks.js';
export * from './step-durations.js';
