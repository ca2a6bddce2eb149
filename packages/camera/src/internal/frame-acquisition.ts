import {
  AbortedError,
  ContractViolationError,
  ShotlineError,
  withContext,
  type ErrorLocation,
} from '@shotline/core';
import type { Acquisition, AcquisitionRequest } from '../acquisition.js';
import { CameraAcquisitionError, CameraTimeoutError } from '../camera-errors.js';
import type { CameraImage, ImageDType } from '../camera-image.js';
import { pictureLabel } from '../picture-label.js';
import type { Roi } from '../roi.js';
import type { FrameSource } from '../frame-source.js';

/** What the acquisition needs to know about its camera. */
export interface AcquiringCamera {
  readonly deviceName: string;
  readonly roi: Roi;
  readonly imageDType: ImageDType;
}

/** Rejects as soon as `signal` fires; otherwise settles like `work`. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  // The losing side of the race must never become an unhandled rejection.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/**
 * An armed acquisition over a camera model's {@link FrameSource}: runs the shot's timeout clock
 * (from the first awaited picture), turns a timeout into {@link CameraTimeoutError} and an abort into
 * `AbortedError`, both naming the camera and the picture, checks each frame's shape and dtype, and
 * stops the source exactly once, whichever way the acquisition ends.
 */
export class FrameAcquisition implements Acquisition {
  private iterated = false;
  private stopping: Promise<void> | undefined;
  /** Fires when the acquisition is stopped (e.g. the camera is closed) while it is iterated. */
  private readonly halted = new AbortController();

  constructor(
    private readonly camera: AcquiringCamera,
    private readonly request: AcquisitionRequest,
    private readonly source: FrameSource,
    private readonly onStopped: () => void,
  ) {}

  stop(): Promise<void> {
    // A picture being awaited is given up at once: the source may release its resources.
    this.halted.abort(new Error('acquisition stopped'));
    this.stopping ??= (async () => {
      try {
        await this.source.stop();
      } finally {
        this.onStopped();
      }
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  [Symbol.asyncIterator](): AsyncIterator<CameraImage> {
    if (this.iterated) {
      throw new ContractViolationError(
        `the pictures of camera "${this.camera.deviceName}" can be iterated only once per shot`,
        { location: { device: this.camera.deviceName } },
      );
    }
    this.iterated = true;
    return this.frames();
  }

  private async *frames(): AsyncGenerator<CameraImage, void, undefined> {
    const { pictures, signal, timeout } = this.request;
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort(new Error('acquisition timeout'));
    }, timeout * 1000);
    const onAbort = (): void => deadline.abort(signal.reason);
    const onHalt = (): void => deadline.abort(this.halted.signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.halted.signal.addEventListener('abort', onHalt, { once: true });
    try {
      for (let index = 0; index < pictures.length; index++) {
        const image = await this.frame(index, deadline.signal, () => timedOut);
        yield image;
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.halted.signal.removeEventListener('abort', onHalt);
      await this.stop();
    }
  }

  private async frame(
    index: number,
    deadline: AbortSignal,
    timedOut: () => boolean,
  ): Promise<CameraImage> {
    const { deviceName } = this.camera;
    const { pictures, signal, timeout } = this.request;
    const picture = pictures[index]!;
    const label = pictureLabel(deviceName, picture.name);
    const location = { device: deviceName, label };
    let image: CameraImage;
    try {
      if (deadline.aborted) throw deadline.reason;
      image = await untilAborted(this.source.nextFrame(index, deadline), deadline);
    } catch (error) {
      if (timedOut()) {
        throw new CameraTimeoutError(
          `camera "${deviceName}" got no picture "${picture.name}" (${index + 1} of ` +
            `${pictures.length}) within ${timeout.toFixed(3)} s: check its trigger and exposure, ` +
            `or raise its timeout margin`,
          { location },
        );
      }
      if (this.halted.signal.aborted && !signal.aborted) {
        throw new AbortedError(
          `camera "${deviceName}" stopped acquiring while waiting for picture "${picture.name}" ` +
            `(the acquisition was stopped or the camera closed)`,
          { location },
        );
      }
      if (signal.aborted) {
        throw new AbortedError(
          `camera "${deviceName}" stopped waiting for picture "${picture.name}": the shot was aborted`,
          { location, cause: signal.reason },
        );
      }
      throw error instanceof ShotlineError
        ? error.addContext(location)
        : withContext(error, location);
    }
    this.check(image, picture.name, location);
    return image;
  }

  private check(image: CameraImage, pictureName: string, location: ErrorLocation): void {
    const { deviceName, roi, imageDType } = this.camera;
    const [height, width] = image.shape;
    if (image.shape.length !== 2 || height !== roi.height || width !== roi.width) {
      throw new CameraAcquisitionError(
        `camera "${deviceName}" delivered picture "${pictureName}" with shape ` +
          `[${image.shape.join(', ')}] instead of the ROI's [${roi.height}, ${roi.width}]`,
        { location },
      );
    }
    if (image.dtype !== imageDType) {
      throw new CameraAcquisitionError(
        `camera "${deviceName}" delivered picture "${pictureName}" as ${image.dtype} instead of ` +
          imageDType,
        { location },
      );
    }
  }
}
