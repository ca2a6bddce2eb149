export * from './suspender-definition.js';
export * from './suspender-errors.js';
export * from './compile-suspenders.js';
