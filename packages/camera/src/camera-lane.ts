import {
  InvalidTypeError,
  deviceNotUsed,
  isDeviceNotUsed,
  type DeviceNotUsed,
  type SequenceContext,
  type TimeLane,
} from '@shotline/core';
import { pictureLabel } from './picture-label.js';

/** A block of a camera lane: a picture name, or null for "no picture". */
export interface CameraBlock {
  readonly value: { readonly pictureName: string } | null;
  readonly start: number;
  readonly stop: number;
}

/** The blocks of a lane known to be a camera lane (checked by its type tag). */
export function cameraBlocks(lane: TimeLane): readonly CameraBlock[] {
  return lane.blocks as readonly CameraBlock[];
}

/**
 * The camera lane of a device (the lane named after it), or "not used" when the sequence has no
 * such lane. A lane of another type is an error naming the lane and the camera.
 */
export function cameraLaneOf(
  deviceName: string,
  sequence: SequenceContext,
): TimeLane | DeviceNotUsed {
  const lane = sequence.findLane(deviceName);
  if (lane === undefined) {
    return deviceNotUsed(`there is no camera lane named "${deviceName}" in this sequence`);
  }
  if (lane.type !== 'camera') {
    throw new InvalidTypeError(
      `the lane "${deviceName}" is a ${lane.type} lane, but "${deviceName}" is a camera: a camera ` +
        `takes its pictures from a camera lane of the same name`,
      { location: { device: deviceName, lane: deviceName } },
    );
  }
  return lane;
}

/** The labels of a camera's pictures in a sequence (none when it has no camera lane). */
export function cameraPictureLabels(deviceName: string, sequence: SequenceContext): string[] {
  const lane = cameraLaneOf(deviceName, sequence);
  if (isDeviceNotUsed(lane)) return [];
  return cameraBlocks(lane).flatMap((block) =>
    block.value === null ? [] : [pictureLabel(deviceName, block.value.pictureName)],
  );
}
