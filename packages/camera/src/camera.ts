import { BaseDevice, ContractViolationError } from '@shotline/core';
import type { Acquisition, AcquisitionRequest } from './acquisition.js';
import { CameraAcquisitionError, CameraNotOpenError } from './camera-errors.js';
import type { ImageDType } from './camera-image.js';
import { FrameAcquisition } from './internal/frame-acquisition.js';
import type { FrameSource } from './frame-source.js';
import type { Roi } from './roi.js';

/** The initialization parameters every camera is built from. */
export interface CameraInitParameters {
  readonly roi: Roi;
  /** Wait for hardware triggers (true) or trigger in software at the picture times (false). */
  readonly externalTrigger: boolean;
}

/**
 * A camera: the device the {@link CameraController} drives. `open()` connects and applies the ROI
 * (checked against the sensor), `acquire()` arms it for the pictures of one shot, `close()` stops any
 * running acquisition and releases the camera; it runs whatever happened, also after a failed open.
 *
 * Models implement `connect()` (registering a cleanup with `onClose` for every resource they take)
 * and `arm()`; the base class enforces the contract (open before acquire, one acquisition at a time,
 * at most `maxImagesPerShot` pictures) and runs the timeout clock.
 */
export abstract class Camera<Settings = unknown> extends BaseDevice {
  /** Most pictures one shot can take (the camera's buffer count). */
  abstract readonly maxImagesPerShot: number;
  /** The dtype of the images it delivers. */
  abstract readonly imageDType: ImageDType;

  private opened = false;
  private active: FrameAcquisition | undefined;

  constructor(
    readonly deviceName: string,
    readonly roi: Roi,
    readonly externalTrigger: boolean,
  ) {
    super();
  }

  /** True between a successful `open()` and `close()`. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** Connects to the camera and configures it. Do not override: implement `connect()`. */
  async open(): Promise<void> {
    this.onClose(() => {
      this.opened = false;
    });
    await this.connect();
    // Registered last, so it runs first at close: no acquisition outlives the camera.
    this.onClose(() => this.active?.stop());
    this.opened = true;
  }

  /** Acquires the camera and applies the ROI; registers a cleanup for every resource taken. */
  protected abstract connect(): Promise<void>;

  /** Arms the camera for the pictures of one shot and returns their source. */
  protected abstract arm(request: AcquisitionRequest<Settings>): Promise<FrameSource>;

  /**
   * Arms the camera for one shot: after this resolves, the camera waits for its triggers (external)
   * or for the first picture to be awaited (software). Iterate the result after the readiness
   * barrier.
   */
  async acquire(request: AcquisitionRequest<Settings>): Promise<Acquisition> {
    const location = { device: this.deviceName };
    if (!this.opened) {
      throw new CameraNotOpenError(
        `camera "${this.deviceName}" is not open: open() it before acquiring`,
        { location },
      );
    }
    if (this.active !== undefined) {
      throw new ContractViolationError(
        `camera "${this.deviceName}" is already acquiring: stop the previous acquisition first`,
        { location },
      );
    }
    if (request.pictures.length > this.maxImagesPerShot) {
      throw new CameraAcquisitionError(
        `camera "${this.deviceName}" can take at most ${this.maxImagesPerShot} pictures per shot, ` +
          `not ${request.pictures.length}`,
        { location },
      );
    }
    const source = await this.arm(request);
    const acquisition = new FrameAcquisition(this, request, source, () => {
      if (this.active === acquisition) this.active = undefined;
    });
    this.active = acquisition;
    return acquisition;
  }
}
