import { AravisLibrary } from '../internal/aravis-library.js';

/** Whether libaravis-0.8 can be loaded here, and why not. */
export type AravisAvailability =
  | { readonly available: true; readonly library: string }
  | { readonly available: false; readonly reason: string };

/**
 * Tries to load libaravis-0.8 (by its usual name, or `libraryPath`). Use it to skip Aravis tests or
 * hide the Aravis camera type on machines without the library.
 */
export function aravisAvailability(libraryPath?: string): AravisAvailability {
  try {
    return { available: true, library: AravisLibrary.load(libraryPath).path };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
