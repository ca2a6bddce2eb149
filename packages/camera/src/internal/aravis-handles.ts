import type { AravisLibrary, GPointer } from './aravis-library.js';

/** The native objects of an open Aravis camera. */
export interface AravisHandles {
  readonly library: AravisLibrary;
  readonly camera: GPointer;
  /** Absent until the stream is created. */
  readonly stream?: GPointer;
}

// Keyed by the camera object, so nothing outlives it; read only by this package's tests, which check
// that the native objects are really finalized at close and drive the fake camera's trigger rate.
const HANDLES = new WeakMap<object, AravisHandles>();

/** Records the native objects of an open camera. */
export function registerAravisHandles(camera: object, handles: AravisHandles): void {
  HANDLES.set(camera, handles);
}

/** The native objects of an open camera (undefined before open). */
export function aravisHandlesOf(camera: object): AravisHandles | undefined {
  return HANDLES.get(camera);
}
