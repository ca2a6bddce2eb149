// Public API of @shotline/camera: the camera contract (configuration, compiler, device, controller),
// the simulated camera, the GenICam camera through Aravis, the Hamamatsu ORCA-Quest through DCAM-API
// (and its simulated twin).
export * from './acquisition.js';
export * from './camera.js';
export * from './camera-compiler.js';
export * from './camera-configuration.js';
export * from './camera-controller.js';
export * from './camera-errors.js';
export * from './camera-image.js';
export * from './camera-lane.js';
export * from './camera-shot-parameters.js';
export * from './frame-source.js';
export * from './picture-label.js';
export * from './roi.js';
export * from './simulated/render-simulated-image.js';
export * from './simulated/simulated-camera.js';
export * from './simulated/simulated-camera-compiler.js';
export * from './simulated/simulated-camera-configuration.js';
export * from './simulated/simulated-camera-extension.js';
export * from './aravis/aravis-availability.js';
export * from './aravis/aravis-camera.js';
export * from './aravis/aravis-camera-compiler.js';
export * from './aravis/aravis-camera-configuration.js';
export * from './aravis/aravis-camera-extension.js';
export * from './orca/dcam-constants.js';
export * from './orca/dcam-errors.js';
export * from './orca/dcam-library.js';
export * from './orca/orca-quest-configuration.js';
export * from './orca/orca-quest-compiler.js';
export * from './orca/orca-quest-camera.js';
export * from './orca/orca-quest-extension.js';
export * from './orca/simulated-dcam.js';
export * from './orca/simulated-orca-quest-extension.js';
export { cameraPlugin } from './plugin.js';
