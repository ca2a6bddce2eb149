// Time lanes: the time table of a sequence (steps, durations, digital/analog/camera/plugin lanes).
export * from './time-lane.js';
export * from './digital-time-lane.js';
export * from './analog-time-lane.js';
export * from './camera-time-lane.js';
export * from './lane-type-registry.js';
export * from './time-lanes.js';
