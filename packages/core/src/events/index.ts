export * from './shotline-event.js';
export * from './event-bus.js';
