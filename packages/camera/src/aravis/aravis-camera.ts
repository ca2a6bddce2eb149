import { ConnectionFailedError, ShotlineError, type ErrorLocation } from '@shotline/core';
import type { AcquisitionRequest } from '../acquisition.js';
import { Camera } from '../camera.js';
import {
  AravisNotAvailableError,
  CameraAcquisitionError,
  CameraDisconnectedError,
} from '../camera-errors.js';
import type { ImageDType } from '../camera-image.js';
import { AravisCallError, AravisLibrary, type GPointer } from '../internal/aravis-library.js';
import { AravisFrameSource, type AravisSession } from '../internal/aravis-frame-source.js';
import { registerAravisHandles } from '../internal/aravis-handles.js';
import type { FrameSource } from '../frame-source.js';
import { assertRoiFitsSensor, type SensorSize } from '../roi.js';
import type { AravisCameraInitParameters } from './aravis-camera-compiler.js';
import { ARAVIS_PIXEL_FORMATS } from './aravis-camera-configuration.js';

/** Microseconds per second (Aravis exposure times are in µs). */
const US = 1e6;

/**
 * A GenICam camera (GigE Vision, USB3 Vision, or Aravis's fake camera) driven through libaravis-0.8.
 *
 * `open()` opens the camera by device id, checks the ROI against the sensor, sets the region, the
 * pixel format (Mono8/Mono16) and the frame-start trigger (the configured hardware source with
 * `externalTrigger`, else `Software`), creates the stream and gives it `bufferCount` buffers.
 * Each shot starts an acquisition when armed and stops it at the end; see `AravisFrameSource` for
 * how frames are triggered and read. `close()` stops any acquisition and unreferences the stream
 * (which frees its buffers) and the camera.
 */
export class AravisCamera extends Camera<null> {
  readonly maxImagesPerShot: number;
  readonly imageDType: ImageDType;
  private sensorSize: SensorSize | undefined;
  private session: AravisSession | undefined;
  private exposureBounds = { min: 0, max: Infinity };
  private currentExposure: number | undefined;

  constructor(
    deviceName: string,
    readonly parameters: AravisCameraInitParameters,
  ) {
    super(deviceName, parameters.roi, parameters.externalTrigger);
    this.maxImagesPerShot = parameters.bufferCount;
    this.imageDType = ARAVIS_PIXEL_FORMATS[parameters.pixelFormat];
  }

  /** The sensor size, known once open. */
  get sensor(): SensorSize | undefined {
    return this.sensorSize;
  }

  private get location(): ErrorLocation {
    return { device: this.deviceName, resource: this.parameters.deviceId };
  }

  /** Runs an Aravis call; a failure becomes an error naming the camera and what was being done. */
  private attempt<T>(action: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (error instanceof ShotlineError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      const message = `camera "${this.deviceName}" could not ${action}: ${detail}`;
      if (error instanceof AravisCallError && error.deviceLost) {
        throw new CameraDisconnectedError(message, { location: this.location, cause: error });
      }
      throw new CameraAcquisitionError(message, { location: this.location, cause: error });
    }
  }

  private loadLibrary(): AravisLibrary {
    try {
      return AravisLibrary.load(this.parameters.libraryPath);
    } catch (error) {
      throw new AravisNotAvailableError(
        `camera "${this.deviceName}" needs libaravis-0.8, which could not be loaded ` +
          `(${error instanceof Error ? error.message : String(error)}): install it (Debian/Ubuntu: ` +
          `apt install libaravis-0.8-0) or set "libraryPath"`,
        { location: this.location, cause: error },
      );
    }
  }

  private async openCamera(library: AravisLibrary): Promise<GPointer> {
    const { deviceId } = this.parameters;
    if (deviceId.startsWith('Fake_')) library.enableInterface('Fake');
    try {
      return await library.cameraNew(deviceId);
    } catch (error) {
      const found = await library.deviceIds();
      throw new ConnectionFailedError(
        `camera "${this.deviceName}" could not be opened as Aravis device "${deviceId}" ` +
          `(${error instanceof Error ? error.message : String(error)}); Aravis finds ` +
          (found.length === 0 ? 'no camera' : found.map((id) => `"${id}"`).join(', ')) +
          `: check the cable, the power and the device id`,
        { location: this.location, cause: error },
      );
    }
  }

  protected async connect(): Promise<void> {
    const library = this.loadLibrary();
    const camera = await this.openCamera(library);
    this.onClose(() => library.unref(camera));
    registerAravisHandles(this, { library, camera });
    const { roi, pixelFormat, externalTrigger, triggerSource, bufferCount } = this.parameters;

    const sensor = this.attempt('read its sensor size', () => library.sensorSize(camera));
    this.sensorSize = sensor;
    assertRoiFitsSensor(roi, sensor, this.deviceName);
    this.attempt('set its region of interest', () => library.setRegion(camera, roi));
    const applied = this.attempt('read its region of interest', () => library.region(camera));
    if (
      applied.x !== roi.x ||
      applied.y !== roi.y ||
      applied.width !== roi.width ||
      applied.height !== roi.height
    ) {
      throw new CameraAcquisitionError(
        `camera "${this.deviceName}" adjusted the ROI ${JSON.stringify(roi)} to ` +
          `${JSON.stringify(applied)}: choose offsets and sizes the camera accepts (often multiples ` +
          `of 4 or 8)`,
        { location: this.location },
      );
    }
    this.attempt(`set the pixel format ${pixelFormat}`, () =>
      library.setPixelFormat(camera, pixelFormat),
    );
    const format = this.attempt('read its pixel format', () => library.pixelFormat(camera));
    if (format !== pixelFormat) {
      throw new CameraAcquisitionError(
        `camera "${this.deviceName}" uses pixel format ${format} instead of ${pixelFormat}`,
        { location: this.location },
      );
    }
    this.attempt('select continuous acquisition', () => library.setContinuousAcquisition(camera));
    const source = externalTrigger ? triggerSource : 'Software';
    this.attempt(`trigger frames from ${source}`, () => library.setTrigger(camera, source));
    this.exposureBounds = this.attempt('read its exposure range', () =>
      library.exposureTimeBounds(camera),
    );

    const stream = this.attempt('create its stream', () => library.createStream(camera));
    // Registered after the camera's cleanup, so it runs before it: the stream goes first.
    this.onClose(() => library.unref(stream));
    registerAravisHandles(this, { library, camera, stream });
    const payload = this.attempt('read its frame size', () => library.payload(camera));
    for (let i = 0; i < bufferCount; i++) library.pushBuffer(stream, library.newBuffer(payload));

    this.session = {
      deviceName: this.deviceName,
      library,
      camera,
      stream,
      roi,
      pixelFormat,
      externalTrigger,
      setExposure: (seconds, pictureName) => this.setExposure(seconds, pictureName),
      attempt: (action, call) => this.attempt(action, call),
    };
    this.onClose(() => {
      this.session = undefined;
    });
  }

  /** The exposure in µs; refuses one outside the camera's range, naming the picture. */
  private checkExposure(seconds: number, pictureName: string): number {
    const microseconds = seconds * US;
    const { min, max } = this.exposureBounds;
    if (microseconds < min || microseconds > max) {
      throw new CameraAcquisitionError(
        `picture "${pictureName}" of camera "${this.deviceName}" needs an exposure of ` +
          `${microseconds} µs, outside the camera's range [${min}, ${max}] µs`,
        { location: this.location },
      );
    }
    return microseconds;
  }

  /** Sets the exposure (seconds) when it changed; refuses one outside the camera's range. */
  private setExposure(seconds: number, pictureName: string): void {
    const session = this.session!;
    const microseconds = this.checkExposure(seconds, pictureName);
    if (microseconds === this.currentExposure) return;
    this.attempt(`set the exposure of picture "${pictureName}"`, () =>
      session.library.setExposureTime(session.camera, microseconds),
    );
    this.currentExposure = microseconds;
  }

  protected arm(request: AcquisitionRequest<null>): Promise<FrameSource> {
    const session = this.session!;
    for (const picture of request.pictures) this.checkExposure(picture.exposure, picture.name);
    const first = request.pictures[0];
    if (first !== undefined) this.setExposure(first.exposure, first.name);
    const source = new AravisFrameSource(session, request);
    source.start();
    return Promise.resolve(source);
  }
}
