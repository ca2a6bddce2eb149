import type { TriggerBus, TriggerEdge } from '@shotline/core';
import {
  DCAMERR,
  DCAMPROP,
  DCAM_IDPROP,
  DCAM_IDSTR,
  DCAMWAIT_CAPEVENT_FRAMEREADY,
} from './dcam-constants.js';
import {
  DCAM_STRUCT_SIZES,
  type DcamApiInit,
  type DcamBufFrame,
  type DcamCapTransferInfo,
  type DcamDevOpen,
  type DcamDevString,
  type DcamHandle,
  type DcamLibrary,
  type DcamPropAttr,
  type DcamWaitOpen,
  type DcamWaitStart,
} from './dcam-library.js';
import { ORCA_QUEST_ROI_STEP, ORCA_QUEST_SENSOR } from './orca-quest-configuration.js';

/** Where a simulated camera's triggers come from. */
export type SimulatedDcamTrigger = 'master' | 'internal';

/** What a {@link SimulatedDcam} simulates. */
export interface SimulatedDcamOptions {
  /** The lab's device name of the camera: the sequencer's `DeviceTrigger` pulses for it. */
  readonly deviceName: string;
  /**
   * `master`: each pulse a simulated sequencer publishes on the trigger bus exposes one frame
   * (level trigger: exposed while high, delivered at the falling edge); `internal`: a frame every
   * millisecond after the capture starts, as many as there are buffers (a camera used alone).
   */
  readonly trigger: SimulatedDcamTrigger;
  readonly bus: TriggerBus;
}

interface Property {
  value: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly writable: boolean;
}

const HANDLE_CAMERA = 1n;
const HANDLE_WAIT = 2n;

/**
 * Hamamatsu DCAM-API simulated in software for one ORCA-Quest, for labs and demos without the
 * camera: the same C functions as the real library (so the same driver code runs) with the same
 * checks (structure sizes, subarray grid and sensor bounds, property ranges), and frames exposed
 * by trigger pulses from the lab's simulated sequencer. Frame g (counted from the camera's
 * opening, 1-based) holds `(x + 2 y + 1000 g) mod 65536` at sensor position (x, y): tests can
 * check the subarray, the orientation and the order of the frames.
 */
export class SimulatedDcam implements DcamLibrary {
  readonly source = 'simulated DCAM-API';
  private initialised = false;
  private open = false;
  private waitOpen = false;
  private properties = new Map<number, Property>();
  private buffers: Uint16Array[] = [];
  private frameSize = { width: 0, height: 0 };
  private capturing = false;
  private captured = 0;
  private notified = 0;
  private framesSinceOpen = 0;
  private risingAt: number | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters = new Set<() => void>();
  private aborted = false;

  constructor(private readonly options: SimulatedDcamOptions) {}

  private resetProperties(): void {
    const p = (value: number, min: number, max: number, step = 1, writable = true): Property => ({
      value,
      min,
      max,
      step,
      writable,
    });
    const { width, height } = ORCA_QUEST_SENSOR;
    const s = ORCA_QUEST_ROI_STEP;
    this.properties = new Map<number, Property>([
      [DCAM_IDPROP.TRIGGERSOURCE, p(1, 1, 4)],
      [DCAM_IDPROP.TRIGGERACTIVE, p(1, 1, 3)],
      [DCAM_IDPROP.TRIGGERPOLARITY, p(1, 1, 2)],
      [DCAM_IDPROP.TRIGGER_GLOBALEXPOSURE, p(2, 1, 5)],
      [DCAM_IDPROP.READOUTSPEED, p(2, 1, 2)],
      [DCAM_IDPROP.SENSORMODE, p(1, 1, 18)],
      [DCAM_IDPROP.SUBARRAYHPOS, p(0, 0, width - s, s)],
      [DCAM_IDPROP.SUBARRAYHSIZE, p(width, s, width, s)],
      [DCAM_IDPROP.SUBARRAYVPOS, p(0, 0, height - s, s)],
      [DCAM_IDPROP.SUBARRAYVSIZE, p(height, s, height, s)],
      [DCAM_IDPROP.SUBARRAYMODE, p(1, 1, 2)],
      [DCAM_IDPROP.IMAGE_WIDTH, p(width, s, width, s, false)],
      [DCAM_IDPROP.IMAGE_HEIGHT, p(height, s, height, s, false)],
      [DCAM_IDPROP.IMAGE_PIXELTYPE, p(DCAMPROP.PIXELTYPE_MONO16, 1, 2)],
    ]);
  }

  private value(id: number): number {
    return this.properties.get(id)!.value;
  }

  private subarray(): { left: number; top: number; width: number; height: number } {
    const on = this.value(DCAM_IDPROP.SUBARRAYMODE) === DCAMPROP.MODE_ON;
    return on
      ? {
          left: this.value(DCAM_IDPROP.SUBARRAYHPOS),
          top: this.value(DCAM_IDPROP.SUBARRAYVPOS),
          width: this.value(DCAM_IDPROP.SUBARRAYHSIZE),
          height: this.value(DCAM_IDPROP.SUBARRAYVSIZE),
        }
      : { left: 0, top: 0, ...ORCA_QUEST_SENSOR };
  }

  private camera(hdcam: DcamHandle): boolean {
    return this.open && hdcam === HANDLE_CAMERA;
  }

  dcamapi_init(param: DcamApiInit): number {
    if (param.size !== DCAM_STRUCT_SIZES.init) return DCAMERR.INVALIDPARAM;
    if (this.initialised) return DCAMERR.ALREADYINITIALIZED;
    this.initialised = true;
    param.iDeviceCount = 1;
    return DCAMERR.SUCCESS;
  }

  dcamapi_uninit(): number {
    this.initialised = false;
    this.open = false;
    return DCAMERR.SUCCESS;
  }

  dcamdev_open(param: DcamDevOpen): number {
    if (!this.initialised) return DCAMERR.UNLOADED;
    if (param.index !== 0) return DCAMERR.NOCAMERA;
    if (this.open) return DCAMERR.ALREADYOPENED;
    this.open = true;
    this.framesSinceOpen = 0;
    this.resetProperties();
    param.hdcam = HANDLE_CAMERA;
    return DCAMERR.SUCCESS;
  }

  dcamdev_close(hdcam: DcamHandle): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    this.dcamcap_stop(hdcam);
    this.open = false;
    this.buffers = [];
    return DCAMERR.SUCCESS;
  }

  dcamdev_getstring(hdcam: DcamHandle, param: DcamDevString): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    const text =
      param.iString === DCAM_IDSTR.MODEL
        ? 'C15550-20UP (simulated)'
        : param.iString === DCAM_IDSTR.VENDOR
          ? 'Hamamatsu'
          : param.iString === DCAM_IDSTR.CAMERAID
            ? 'S/N: simulated'
            : undefined;
    if (text === undefined) return DCAMERR.INVALIDPARAM;
    param.text.fill(0, 0, param.textbytes);
    param.text.write(text.slice(0, param.textbytes - 1), 'latin1');
    return DCAMERR.SUCCESS;
  }

  dcamprop_getattr(hdcam: DcamHandle, param: DcamPropAttr): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    const property = this.properties.get(param.iProp);
    if (property === undefined) return DCAMERR.INVALIDPROPERTYID;
    param.valuemin = property.min;
    param.valuemax = property.max;
    param.valuestep = property.step;
    param.valuedefault = property.value;
    return DCAMERR.SUCCESS;
  }

  dcamprop_getvalue(hdcam: DcamHandle, iProp: number, value: [number]): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    const property = this.properties.get(iProp);
    if (property === undefined) return DCAMERR.INVALIDPROPERTYID;
    const { width, height } = this.subarray();
    value[0] =
      iProp === DCAM_IDPROP.IMAGE_WIDTH
        ? width
        : iProp === DCAM_IDPROP.IMAGE_HEIGHT
          ? height
          : property.value;
    return DCAMERR.SUCCESS;
  }

  dcamprop_setvalue(hdcam: DcamHandle, iProp: number, value: number): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    const property = this.properties.get(iProp);
    if (property === undefined) return DCAMERR.INVALIDPROPERTYID;
    if (!property.writable) return DCAMERR.NOTWRITABLE;
    if (this.capturing) return DCAMERR.BUSY;
    const v =
      iProp === DCAM_IDPROP.READOUTSPEED && value === DCAMPROP.READOUTSPEED_FASTEST
        ? property.max
        : value;
    if (v < property.min || v > property.max) return DCAMERR.OUTOFRANGE;
    if ((v - property.min) % property.step !== 0) return DCAMERR.INVALIDVALUE;
    if (iProp === DCAM_IDPROP.SENSORMODE && v !== 1 && v !== 18) return DCAMERR.INVALIDVALUE;
    if (iProp === DCAM_IDPROP.SUBARRAYMODE && v === DCAMPROP.MODE_ON) {
      const { width, height } = ORCA_QUEST_SENSOR;
      if (
        this.value(DCAM_IDPROP.SUBARRAYHPOS) + this.value(DCAM_IDPROP.SUBARRAYHSIZE) > width ||
        this.value(DCAM_IDPROP.SUBARRAYVPOS) + this.value(DCAM_IDPROP.SUBARRAYVSIZE) > height
      ) {
        return DCAMERR.INVALIDSUBARRAY;
      }
    }
    property.value = v;
    return DCAMERR.SUCCESS;
  }

  dcambuf_alloc(hdcam: DcamHandle, framecount: number): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    if (this.capturing) return DCAMERR.BUSY;
    if (framecount < 1 || framecount > 64) return DCAMERR.INVALIDPARAM;
    const { width, height } = this.subarray();
    this.frameSize = { width, height };
    this.buffers = Array.from({ length: framecount }, () => new Uint16Array(width * height));
    return DCAMERR.SUCCESS;
  }

  dcambuf_release(hdcam: DcamHandle, _iKind: number): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    if (this.capturing) return DCAMERR.BUSY;
    this.buffers = [];
    return DCAMERR.SUCCESS;
  }

  dcamcap_start(hdcam: DcamHandle, _mode: number): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    if (this.capturing) return DCAMERR.BUSY;
    if (this.buffers.length === 0) return DCAMERR.NOTREADY;
    if (
      this.value(DCAM_IDPROP.SENSORMODE) === DCAMPROP.SENSORMODE_PHOTONNUMBERRESOLVING &&
      this.value(DCAM_IDPROP.READOUTSPEED) !== DCAMPROP.READOUTSPEED_SLOWEST
    ) {
      return DCAMERR.WRONGPROPERTYVALUE;
    }
    this.capturing = true;
    this.captured = 0;
    this.notified = 0;
    this.risingAt = undefined;
    if (this.options.trigger === 'master') {
      this.unsubscribe = this.options.bus.subscribe(this.options.deviceName, (edge) =>
        this.onEdge(edge),
      );
    } else {
      for (let k = 0; k < this.buffers.length; k++) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.expose();
        }, k + 1);
        this.timers.add(timer);
      }
    }
    return DCAMERR.SUCCESS;
  }

  /** A level trigger: exposed while high, the frame is read out at the falling edge. */
  private onEdge(edge: TriggerEdge): void {
    if (edge.edge === 'rising') this.risingAt = edge.time;
    else if (this.risingAt !== undefined) {
      this.risingAt = undefined;
      this.expose();
    }
  }

  /** One exposure: the next frame of the ring. */
  private expose(): void {
    if (!this.capturing) return;
    const g = ++this.framesSinceOpen;
    const frame = this.buffers[this.captured % this.buffers.length]!;
    const { left, top, width, height } = this.subarray();
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++)
        frame[y * width + x] = (left + x + 2 * (top + y) + 1000 * g) & 0xffff;
    }
    this.captured++;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  dcamcap_stop(hdcam: DcamHandle): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    this.capturing = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.notify();
    return DCAMERR.SUCCESS;
  }

  dcamcap_transferinfo(hdcam: DcamHandle, param: DcamCapTransferInfo): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    param.nFrameCount = this.captured;
    param.nNewestFrameIndex = this.captured === 0 ? -1 : (this.captured - 1) % this.buffers.length;
    return DCAMERR.SUCCESS;
  }

  dcambuf_copyframe(hdcam: DcamHandle, param: DcamBufFrame): number {
    if (!this.camera(hdcam)) return DCAMERR.INVALIDHANDLE;
    const slot = param.iFrame;
    if (this.captured === 0 || slot < 0 || slot >= Math.min(this.captured, this.buffers.length)) {
      return DCAMERR.INVALIDFRAMEINDEX;
    }
    const { width, height } = this.frameSize;
    if (param.width !== width || param.height !== height || param.rowbytes < width * 2) {
      return DCAMERR.INVALIDPARAM;
    }
    const frame = this.buffers[slot]!;
    for (let y = 0; y < height; y++) {
      const row = Buffer.from(frame.buffer, frame.byteOffset + y * width * 2, width * 2);
      row.copy(param.buf, y * param.rowbytes);
    }
    return DCAMERR.SUCCESS;
  }

  dcamwait_open(param: DcamWaitOpen): number {
    if (!this.camera(param.hdcam)) return DCAMERR.INVALIDHANDLE;
    this.waitOpen = true;
    param.hwait = HANDLE_WAIT;
    param.supportevent = DCAMWAIT_CAPEVENT_FRAMEREADY;
    return DCAMERR.SUCCESS;
  }

  dcamwait_close(hwait: DcamHandle): number {
    if (!this.waitOpen || hwait !== HANDLE_WAIT) return DCAMERR.INVALIDWAITHANDLE;
    this.waitOpen = false;
    this.notify();
    return DCAMERR.SUCCESS;
  }

  dcamwait_start(hwait: DcamHandle, param: DcamWaitStart): Promise<number> {
    if (!this.waitOpen || hwait !== HANDLE_WAIT) return Promise.resolve(DCAMERR.INVALIDWAITHANDLE);
    return new Promise((resolve) => {
      const finish = (status: number): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(status);
      };
      const check = (): void => {
        if (this.aborted) {
          this.aborted = false;
          finish(DCAMERR.ABORT);
        } else if (this.captured > this.notified) {
          this.notified = this.captured;
          param.eventhappened = DCAMWAIT_CAPEVENT_FRAMEREADY;
          finish(DCAMERR.SUCCESS);
        } else if (!this.capturing || !this.waitOpen) {
          finish(DCAMERR.ABORT);
        }
      };
      const timer = setTimeout(() => finish(DCAMERR.TIMEOUT), param.timeout);
      this.waiters.add(check);
      check();
    });
  }

  dcamwait_abort(hwait: DcamHandle): number {
    if (!this.waitOpen || hwait !== HANDLE_WAIT) return DCAMERR.INVALIDWAITHANDLE;
    if (this.waiters.size > 0) {
      this.aborted = true;
      this.notify();
    }
    return DCAMERR.SUCCESS;
  }
}
