import type { AcquisitionRequest } from '../acquisition.js';
import { CameraAcquisitionError } from '../camera-errors.js';
import { createImage, type CameraImage } from '../camera-image.js';
import type { Roi } from '../roi.js';
import {
  BUFFER_STATUS_SUCCESS,
  bufferStatusName,
  type AravisLibrary,
  type GPointer,
} from './aravis-library.js';
import type { FrameSource } from '../frame-source.js';

/** GenICam PFNC codes of the supported pixel formats. */
const PIXEL_FORMAT_CODES = { Mono8: 0x01080001, Mono16: 0x01100007 } as const;

/** How long one blocking pop may wait, so aborts and timeouts are seen promptly. */
const POP_SLICE_US = 50_000;

/** The open Aravis camera an acquisition runs on. */
export interface AravisSession {
  readonly deviceName: string;
  readonly library: AravisLibrary;
  readonly camera: GPointer;
  readonly stream: GPointer;
  readonly roi: Roi;
  readonly pixelFormat: keyof typeof PIXEL_FORMAT_CODES;
  readonly externalTrigger: boolean;
  /** Sets the exposure (seconds) if it differs from the current one. */
  setExposure(seconds: number, pictureName: string): void;
  /** Runs an Aravis call, turning its failure into an error naming the camera and the action. */
  attempt<T>(action: string, call: () => T): T;
}

/** Resolves after `ms`, or rejects when `signal` fires. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The frames of one acquisition on an Aravis stream. The acquisition is started when armed.
 *
 * - External trigger: each frame is the next one the camera sends; the exposure of a picture is set
 *   as soon as the previous frame has arrived (the camera must be ready before its next trigger).
 * - Software trigger: at each picture's end time in the shot (counted from the first awaited
 *   picture), frames already waiting are discarded, the exposure is set and the camera is triggered.
 *
 * Buffers are copied out and pushed back to the stream at once; none is kept across shots. Pops wait
 * at most 50 ms at a time on a koffi worker thread, so the event loop never blocks and an abort is
 * seen within 50 ms; `stop()` waits for the pop in flight before stopping the acquisition.
 */
export class AravisFrameSource implements FrameSource {
  private startedAt: number | undefined;
  private popping: Promise<unknown> = Promise.resolve();
  /** Set by `stop()`: the stream may be released afterwards, so nothing touches it any more. */
  private stopped = false;

  constructor(
    private readonly session: AravisSession,
    private readonly request: AcquisitionRequest,
  ) {}

  /**
   * Starts the acquisition. Frames that arrived before (a previous shot's, or spurious triggers
   * while the camera was idle) do not belong to this shot and are discarded first.
   */
  start(): void {
    const { library, camera } = this.session;
    this.discardWaitingFrames();
    this.session.attempt('start the acquisition', () => library.startAcquisition(camera));
  }

  /** Discards frames already waiting in the stream (returns their buffers to it). */
  private discardWaitingFrames(): void {
    const { library, stream } = this.session;
    for (let buffer = library.tryPopBuffer(stream); buffer !== null;) {
      library.pushBuffer(stream, buffer);
      buffer = library.tryPopBuffer(stream);
    }
  }

  async nextFrame(index: number, signal: AbortSignal): Promise<CameraImage> {
    const picture = this.request.pictures[index]!;
    const session = this.session;
    const now = performance.now();
    this.startedAt ??= now;
    if (session.externalTrigger) {
      if (index > 0) session.setExposure(picture.exposure, picture.name);
    } else {
      const due = this.startedAt + (picture.start + picture.exposure) * 1000;
      if (due > now) await delay(due - now, signal);
      this.checkRunning();
      this.discardWaitingFrames();
      session.setExposure(picture.exposure, picture.name);
      session.attempt(`trigger picture "${picture.name}"`, () =>
        session.library.softwareTrigger(session.camera),
      );
    }
    for (;;) {
      if (signal.aborted) throw signal.reason as Error;
      this.checkRunning();
      const pop = session.library.popBuffer(session.stream, POP_SLICE_US);
      this.popping = pop.catch(() => undefined);
      const buffer = await pop;
      if (buffer !== null) return this.take(buffer, picture.name);
    }
  }

  private checkRunning(): void {
    if (this.stopped) throw new Error('the acquisition was stopped');
  }

  /** Copies the image out of a filled buffer and returns the buffer to the stream. */
  private take(buffer: GPointer, pictureName: string): CameraImage {
    const { library, stream, deviceName, roi, pixelFormat } = this.session;
    const location = { device: deviceName };
    let image: ReturnType<AravisLibrary['bufferImage']>;
    const status = library.bufferStatus(buffer);
    try {
      if (status !== BUFFER_STATUS_SUCCESS) {
        throw new CameraAcquisitionError(
          `camera "${deviceName}" sent an incomplete frame for picture "${pictureName}" ` +
            `(${bufferStatusName(status)})`,
          { location },
        );
      }
      image = library.bufferImage(buffer);
    } finally {
      library.pushBuffer(stream, buffer);
    }
    const bytesPerPixel = pixelFormat === 'Mono8' ? 1 : 2;
    if (
      image.width !== roi.width ||
      image.height !== roi.height ||
      image.pixelFormat !== PIXEL_FORMAT_CODES[pixelFormat] ||
      image.bytes.length < roi.width * roi.height * bytesPerPixel
    ) {
      throw new CameraAcquisitionError(
        `camera "${deviceName}" sent a ${image.width}x${image.height} frame of pixel format ` +
          `0x${image.pixelFormat.toString(16)} (${image.bytes.length} bytes) for picture ` +
          `"${pictureName}", expected ${roi.width}x${roi.height} ${pixelFormat}`,
        { location },
      );
    }
    const count = roi.width * roi.height;
    const pixels =
      bytesPerPixel === 1
        ? new Uint8Array(image.bytes.buffer, image.bytes.byteOffset, count)
        : new Uint16Array(image.bytes.buffer, image.bytes.byteOffset, count);
    return createImage(roi, pixels);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.popping;
    const { library, camera } = this.session;
    this.session.attempt('stop the acquisition', () => library.stopAcquisition(camera));
    this.discardWaitingFrames();
  }
}
