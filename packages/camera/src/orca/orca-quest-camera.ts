import { ConnectionFailedError, type ErrorLocation } from '@shotline/core';
import type { AcquisitionRequest } from '../acquisition.js';
import { Camera } from '../camera.js';
import {
  CameraAcquisitionError,
  CameraDisconnectedError,
  RoiOutsideSensorError,
} from '../camera-errors.js';
import type { ImageDType } from '../camera-image.js';
import type { FrameSource } from '../frame-source.js';
import { assertRoiFitsSensor } from '../roi.js';
import {
  DCAMCAP_START_SEQUENCE,
  DCAMPROP,
  DCAM_IDPROP,
  DCAM_IDSTR,
  dcamDeviceLost,
  dcamErrorName,
  dcamPropertyName,
} from './dcam-constants.js';
import { DcamError } from './dcam-errors.js';
import { DcamFrameSource, type DcamSession } from './dcam-frame-source.js';
import {
  DCAM_STRUCT_SIZES,
  type DcamHandle,
  type DcamLibrary,
  loadDcamApi,
} from './dcam-library.js';
import { acquireDcamApi } from './dcam-session.js';
import type { OrcaQuestInitParameters } from './orca-quest-compiler.js';
import { ORCA_QUEST_MODEL, ORCA_QUEST_SENSOR } from './orca-quest-configuration.js';

/** Loads DCAM-API (a path, or undefined for the default search). */
export type DcamLoader = (libraryPath: string | undefined) => DcamLibrary;

/** Model numbers DCAM-API reports for the ORCA-Quest family (C15550-20UP, -22UP...). */
const ORCA_QUEST_MODELS = /C15550|ORCA-?Quest/i;

/**
 * A Hamamatsu ORCA-Quest driven through DCAM-API.
 *
 * - `open()` loads and initialises DCAM-API (shared by the process's cameras), opens the camera by
 *   number, checks it is an ORCA-Quest, checks the ROI against the subarray steps the camera
 *   reports, sets the subarray (mode off, position and size, mode on), the read-out speed, the
 *   sensor mode, the pixel type (16 bits), and the external level trigger (source external, active
 *   level, positive polarity, global exposure delayed: the camera exposes exactly while the trigger
 *   is high), reads the image size back, opens a wait handle and allocates `bufferCount` frame
 *   buffers.
 * - each shot starts a sequence capture when armed and reads frames as their triggers end.
 * - `close()` stops a capture, releases the buffers, the wait handle and the camera, and
 *   uninitialises DCAM-API when no other camera uses it: in every outcome, also after a failed
 *   open.
 *
 * DCAM failures become a {@link DcamError} (code and name) or, for a camera that stopped answering,
 * a `CameraDisconnectedError`, each naming the camera and what was being done.
 */
export class OrcaQuestCamera extends Camera<null> {
  readonly maxImagesPerShot: number;
  readonly imageDType: ImageDType = 'uint16';
  private session: DcamSession | undefined;

  constructor(
    deviceName: string,
    readonly parameters: OrcaQuestInitParameters,
    private readonly load: DcamLoader = loadDcamApi,
  ) {
    super(deviceName, parameters.roi, parameters.externalTrigger);
    this.maxImagesPerShot = parameters.bufferCount;
  }

  private get location(): ErrorLocation {
    return { device: this.deviceName, resource: `DCAM camera ${this.parameters.cameraNumber}` };
  }

  /** Throws the error for a failed DCAM call. */
  private check(dcamFunction: string, status: number, what: string): void {
    if (status >= 0) return;
    const detail = `${dcamFunction} returned ${dcamErrorName(status)}`;
    if (dcamDeviceLost(status)) {
      throw new CameraDisconnectedError(
        `camera "${this.deviceName}" stopped answering while trying to ${what} (${detail}): check ` +
          `its cable and power, then run the sequence again`,
        { location: this.location },
      );
    }
    throw new DcamError(`camera "${this.deviceName}" could not ${what} (${detail})`, {
      dcamCode: status,
      dcamFunction,
      location: this.location,
    });
  }

  private setProperty(api: DcamLibrary, hdcam: DcamHandle, id: number, value: number): void {
    this.check(
      'dcamprop_setvalue',
      api.dcamprop_setvalue(hdcam, id, value),
      `set ${dcamPropertyName(id)} to ${value}`,
    );
  }

  private getProperty(api: DcamLibrary, hdcam: DcamHandle, id: number): number {
    const value: [number] = [0];
    this.check(
      'dcamprop_getvalue',
      api.dcamprop_getvalue(hdcam, id, value),
      `read ${dcamPropertyName(id)}`,
    );
    return value[0];
  }

  private model(api: DcamLibrary, hdcam: DcamHandle): string {
    const text = Buffer.alloc(256);
    const param = {
      size: DCAM_STRUCT_SIZES.string,
      iString: DCAM_IDSTR.MODEL,
      text,
      textbytes: 256,
    };
    this.check('dcamdev_getstring', api.dcamdev_getstring(hdcam, param), 'read its model');
    const end = text.indexOf(0);
    return text.toString('latin1', 0, end < 0 ? text.length : end);
  }

  /** Refuses a ROI off the subarray grid the camera itself reports (`dcamprop_getattr`). */
  private checkSubarraySteps(api: DcamLibrary, hdcam: DcamHandle): void {
    const { roi } = this.parameters;
    const checks = [
      [DCAM_IDPROP.SUBARRAYHPOS, 'x', roi.x],
      [DCAM_IDPROP.SUBARRAYHSIZE, 'width', roi.width],
      [DCAM_IDPROP.SUBARRAYVPOS, 'y', roi.y],
      [DCAM_IDPROP.SUBARRAYVSIZE, 'height', roi.height],
    ] as const;
    for (const [id, key, value] of checks) {
      const attr = {
        cbSize: DCAM_STRUCT_SIZES.attr,
        iProp: id,
        option: 0,
        iReserved1: 0,
        attribute: 0,
        iGroup: 0,
        iUnit: 0,
        attribute2: 0,
        valuemin: 0,
        valuemax: 0,
        valuestep: 0,
        valuedefault: 0,
        nMaxChannel: 0,
        iReserved3: 0,
        nMaxView: 0,
        iProp_NumberOfElement: 0,
        iProp_ArrayBase: 0,
        iPropStep_Element: 0,
      };
      this.check(
        'dcamprop_getattr',
        api.dcamprop_getattr(hdcam, attr),
        `read the range of ${dcamPropertyName(id)}`,
      );
      const step = attr.valuestep > 0 ? attr.valuestep : 1;
      if (value < attr.valuemin || value > attr.valuemax || (value - attr.valuemin) % step !== 0) {
        throw new RoiOutsideSensorError(
          `the ROI ${key} ${value} is not a value camera "${this.deviceName}" accepts: from ` +
            `${attr.valuemin} to ${attr.valuemax} in steps of ${step}`,
          { location: this.location },
        );
      }
    }
  }

  protected async connect(): Promise<void> {
    const { cameraNumber, roi, readoutSpeed, sensorMode, bufferCount, libraryPath } =
      this.parameters;
    assertRoiFitsSensor(roi, ORCA_QUEST_SENSOR, this.deviceName);
    const api = this.load(libraryPath);
    const dcam = acquireDcamApi(api, this.location);
    this.onClose(() => dcam.release());
    if (cameraNumber >= dcam.deviceCount) {
      throw new ConnectionFailedError(
        `camera "${this.deviceName}" is DCAM camera number ${cameraNumber}, but DCAM-API finds ` +
          `${dcam.deviceCount} camera(s): check the cable, the power and "cameraNumber"`,
        { location: this.location },
      );
    }
    const open = { size: DCAM_STRUCT_SIZES.open, index: cameraNumber, hdcam: null as DcamHandle };
    this.check('dcamdev_open', api.dcamdev_open(open), `open DCAM camera ${cameraNumber}`);
    const hdcam = open.hdcam;
    this.onClose(() => this.check('dcamdev_close', api.dcamdev_close(hdcam), 'close'));
    const model = this.model(api, hdcam);
    if (!ORCA_QUEST_MODELS.test(model)) {
      throw new ConnectionFailedError(
        `DCAM camera ${cameraNumber} is a ${model}, not an ${ORCA_QUEST_MODEL}: set "cameraNumber" ` +
          `to the ${ORCA_QUEST_MODEL}'s number`,
        { location: this.location },
      );
    }
    this.checkSubarraySteps(api, hdcam);
    const set = (id: number, value: number): void => this.setProperty(api, hdcam, id, value);
    set(DCAM_IDPROP.SUBARRAYMODE, DCAMPROP.MODE_OFF);
    set(DCAM_IDPROP.SUBARRAYHPOS, roi.x);
    set(DCAM_IDPROP.SUBARRAYHSIZE, roi.width);
    set(DCAM_IDPROP.SUBARRAYVPOS, roi.y);
    set(DCAM_IDPROP.SUBARRAYVSIZE, roi.height);
    set(DCAM_IDPROP.SUBARRAYMODE, DCAMPROP.MODE_ON);
    set(
      DCAM_IDPROP.READOUTSPEED,
      readoutSpeed === 'slowest' ? DCAMPROP.READOUTSPEED_SLOWEST : DCAMPROP.READOUTSPEED_FASTEST,
    );
    set(
      DCAM_IDPROP.SENSORMODE,
      sensorMode === 'area' ? DCAMPROP.SENSORMODE_AREA : DCAMPROP.SENSORMODE_PHOTONNUMBERRESOLVING,
    );
    set(DCAM_IDPROP.IMAGE_PIXELTYPE, DCAMPROP.PIXELTYPE_MONO16);
    set(DCAM_IDPROP.TRIGGER_GLOBALEXPOSURE, DCAMPROP.TRIGGER_GLOBALEXPOSURE_DELAYED);
    set(DCAM_IDPROP.TRIGGERSOURCE, DCAMPROP.TRIGGERSOURCE_EXTERNAL);
    set(DCAM_IDPROP.TRIGGERACTIVE, DCAMPROP.TRIGGERACTIVE_LEVEL);
    set(DCAM_IDPROP.TRIGGERPOLARITY, DCAMPROP.TRIGGERPOLARITY_POSITIVE);
    const width = this.getProperty(api, hdcam, DCAM_IDPROP.IMAGE_WIDTH);
    const height = this.getProperty(api, hdcam, DCAM_IDPROP.IMAGE_HEIGHT);
    if (width !== roi.width || height !== roi.height) {
      throw new CameraAcquisitionError(
        `camera "${this.deviceName}" reads ${width}x${height} images instead of the ROI's ` +
          `${roi.width}x${roi.height}: choose a ROI the camera accepts`,
        { location: this.location },
      );
    }
    const wait = {
      size: DCAM_STRUCT_SIZES.waitOpen,
      supportevent: 0,
      hwait: null as DcamHandle,
      hdcam,
    };
    this.check('dcamwait_open', api.dcamwait_open(wait), 'open a wait handle');
    const hwait = wait.hwait;
    this.onClose(() =>
      this.check('dcamwait_close', api.dcamwait_close(hwait), 'close its wait handle'),
    );
    this.check(
      'dcambuf_alloc',
      api.dcambuf_alloc(hdcam, bufferCount),
      `allocate ${bufferCount} frame buffers`,
    );
    this.onClose(() =>
      this.check('dcambuf_release', api.dcambuf_release(hdcam, 0), 'release its frame buffers'),
    );
    this.session = {
      deviceName: this.deviceName,
      api,
      hdcam,
      hwait,
      roi,
      bufferCount,
      check: (fn, status, what) => this.check(fn, status, what),
    };
    this.onClose(() => {
      this.session = undefined;
    });
  }

  protected arm(request: AcquisitionRequest<null>): Promise<FrameSource> {
    const session = this.session!;
    this.check(
      'dcamcap_start',
      session.api.dcamcap_start(session.hdcam, DCAMCAP_START_SEQUENCE),
      'start the capture',
    );
    return Promise.resolve(new DcamFrameSource(session, request));
  }
}
