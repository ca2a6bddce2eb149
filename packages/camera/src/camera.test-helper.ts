// Test support: camera lanes from compact block lists. The sequence and shot contexts and the
// recording running shot come from @shotline/testing (the engine's own).
import { CameraTimeLane, DigitalTimeLane, TakePicture, type TimeLane } from '@shotline/core';

/** `[picture name or null, span]` blocks of a camera lane. */
export type CameraSpans = readonly (readonly [string | null, number])[];

/** A camera lane from `[picture or null, span]` blocks. */
export function cameraLane(spans: CameraSpans): CameraTimeLane {
  return new CameraTimeLane(
    spans.map(([name, span]) => [name === null ? null : new TakePicture(name), span] as const),
  );
}

/** A digital lane of `steps` low steps (a lane that is not a camera lane). */
export function digitalLane(steps: number): TimeLane {
  return new DigitalTimeLane([[false, steps]]);
}
