import type { AcquisitionRequest } from '../acquisition.js';
import { createImage, type CameraImage } from '../camera-image.js';
import type { FrameSource } from '../frame-source.js';
import type { Roi } from '../roi.js';
import {
  DCAMERR,
  DCAMPROP,
  DCAMWAIT_CAPEVENT_FRAMEREADY,
  dcamDeviceLost,
} from './dcam-constants.js';
import { DCAM_STRUCT_SIZES, type DcamHandle, type DcamLibrary } from './dcam-library.js';

/** How long one wait for a frame may block a worker thread, so a stop is seen promptly. */
const WAIT_SLICE_MS = 50;

/** The open camera an acquisition runs on. */
export interface DcamSession {
  readonly deviceName: string;
  readonly api: DcamLibrary;
  readonly hdcam: DcamHandle;
  readonly hwait: DcamHandle;
  readonly roi: Roi;
  readonly bufferCount: number;
  /** Throws the error for a failed DCAM call (a `DcamError`, or a disconnection). */
  check(dcamFunction: string, status: number, what: string): void;
}

/**
 * The frames of one ORCA-Quest acquisition. The sequence capture is started when armed; each frame
 * comes from a trigger pulse (the exposure is its high time). Waiting runs `dcamwait_start` in
 * 50 ms slices on a koffi worker thread; a timeout or an abort of the shot interrupts the wait with
 * `dcamwait_abort`. Frames are copied out of DCAM's ring of buffers (`dcambuf_copyframe`) into a
 * uint16 image as they arrive. `stop()` interrupts the wait in flight and stops the capture.
 */
export class DcamFrameSource implements FrameSource {
  /** Frames the camera has captured in this acquisition (from the last transfer info). */
  private captured = 0;
  private waiting: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly session: DcamSession,
    private readonly request: AcquisitionRequest<null>,
  ) {}

  async nextFrame(index: number, signal: AbortSignal): Promise<CameraImage> {
    const { api, hwait } = this.session;
    const onAbort = (): void => void api.dcamwait_abort(hwait);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (this.captured <= index) {
        if (signal.aborted) throw signal.reason as Error;
        if (this.stopped) throw new Error('the acquisition was stopped');
        const param = {
          size: DCAM_STRUCT_SIZES.waitStart,
          eventhappened: 0,
          eventmask: DCAMWAIT_CAPEVENT_FRAMEREADY,
          timeout: WAIT_SLICE_MS,
        };
        const wait = api.dcamwait_start(hwait, param);
        this.waiting = wait.catch(() => undefined);
        const status = await wait;
        if (status === DCAMERR.TIMEOUT || status === DCAMERR.ABORT) continue;
        this.session.check('dcamwait_start', status, `wait for picture "${this.name(index)}"`);
        this.updateCaptured();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return this.copy(index);
  }

  private name(index: number): string {
    return this.request.pictures[index]?.name ?? `#${index}`;
  }

  private updateCaptured(): void {
    const { api, hdcam } = this.session;
    const info = {
      size: DCAM_STRUCT_SIZES.transfer,
      iKind: 0,
      nNewestFrameIndex: -1,
      nFrameCount: 0,
    };
    this.session.check(
      'dcamcap_transferinfo',
      api.dcamcap_transferinfo(hdcam, info),
      'read its transfer info',
    );
    this.captured = info.nFrameCount;
  }

  /** Copies frame `index` out of DCAM's ring of buffers. */
  private copy(index: number): CameraImage {
    const { api, hdcam, roi, bufferCount } = this.session;
    const rowbytes = roi.width * 2;
    const buffer = Buffer.alloc(rowbytes * roi.height);
    const frame = {
      size: DCAM_STRUCT_SIZES.frame,
      iKind: 0,
      option: 0,
      iFrame: index % bufferCount,
      buf: buffer,
      rowbytes,
      type: DCAMPROP.PIXELTYPE_MONO16,
      width: roi.width,
      height: roi.height,
      left: 0,
      top: 0,
      timestampSec: 0,
      timestampMicrosec: 0,
      framestamp: 0,
      camerastamp: 0,
    };
    this.session.check(
      'dcambuf_copyframe',
      api.dcambuf_copyframe(hdcam, frame),
      `copy picture "${this.name(index)}"`,
    );
    return createImage(
      roi,
      new Uint16Array(buffer.buffer, buffer.byteOffset, roi.width * roi.height),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const { api, hdcam, hwait } = this.session;
    api.dcamwait_abort(hwait);
    await this.waiting;
    const status = api.dcamcap_stop(hdcam);
    // A camera that is gone cannot stop: its error was already reported to the shot.
    if (status < 0 && !dcamDeviceLost(status)) {
      this.session.check('dcamcap_stop', status, 'stop the capture');
    }
  }
}
