export * from './sequence-state.js';
export * from './sequence-event.js';
