// Original file: device-server.proto

/**
 * Every device of the shot is ready: the controller's waitAllDevicesReady() resolves.
 */
export interface BarrierPassed {}

/**
 * Every device of the shot is ready: the controller's waitAllDevicesReady() resolves.
 */
export interface BarrierPassed__Output {}
