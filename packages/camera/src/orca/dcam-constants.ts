/**
 * DCAM-API constants the ORCA-Quest driver uses (values of Hamamatsu's dcamapi4.h / dcamprop.h).
 * Status codes are `int32` (`DCAMERR`): negative is a failure, positive a success (`1`).
 */
export const DCAMERR = Object.freeze({
  SUCCESS: 1,
  BUSY: 0x80000101 | 0,
  ABORT: 0x80000102 | 0,
  NOTREADY: 0x80000103 | 0,
  TIMEOUT: 0x80000106 | 0,
  LOSTFRAME: 0x80000301 | 0,
  NOCAMERA: 0x80000206 | 0,
  NODRIVER: 0x80000205 | 0,
  INVALIDCAMERA: 0x80000806 | 0,
  INVALIDHANDLE: 0x80000807 | 0,
  INVALIDPARAM: 0x80000808 | 0,
  INVALIDVALUE: 0x80000821 | 0,
  OUTOFRANGE: 0x80000822 | 0,
  NOTWRITABLE: 0x80000823 | 0,
  INVALIDPROPERTYID: 0x80000825 | 0,
  INVALIDSUBARRAY: 0x8000082b | 0,
  ACCESSDENY: 0x8000082c | 0,
  WRONGPROPERTYVALUE: 0x8000082e | 0,
  INVALIDFRAMEINDEX: 0x80000833 | 0,
  NOTSUPPORT: 0x80000f03 | 0,
  UNLOADED: 0x80000f04 | 0,
  NOCONNECTION: 0x80000f07 | 0,
  FAILOPENBUS: 0x81001001 | 0,
  FAILOPENCAMERA: 0x82001001 | 0,
  FAILREADCAMERA: 0x83001002 | 0,
  FAILWRITECAMERA: 0x83001003 | 0,
  INVALIDWAITHANDLE: 0x84002001 | 0,
  ALREADYINITIALIZED: 0xe1000001 | 0,
  ALREADYOPENED: 0xe1000002 | 0,
});

/** The DCAMERR name of a status (`TIMEOUT`), or its hexadecimal value. */
export function dcamErrorName(status: number): string {
  for (const [name, value] of Object.entries(DCAMERR)) if (value === status) return name;
  return `0x${(status >>> 0).toString(16).padStart(8, '0')}`;
}

/** True for a DCAM status that means the camera is gone (cable, power, bus). */
export function dcamDeviceLost(status: number): boolean {
  return (
    status === DCAMERR.NOCONNECTION ||
    status === DCAMERR.FAILREADCAMERA ||
    status === DCAMERR.FAILWRITECAMERA ||
    status === DCAMERR.FAILOPENBUS
  );
}

/** DCAM property ids (`DCAM_IDPROP_*`). */
export const DCAM_IDPROP = Object.freeze({
  TRIGGERSOURCE: 0x00100110,
  TRIGGERACTIVE: 0x00100120,
  TRIGGERPOLARITY: 0x00100220,
  EXPOSURETIME: 0x001f0110,
  TRIGGER_GLOBALEXPOSURE: 0x001f0300,
  READOUTSPEED: 0x00400110,
  SENSORMODE: 0x00400210,
  SUBARRAYHPOS: 0x00402110,
  SUBARRAYHSIZE: 0x00402120,
  SUBARRAYVPOS: 0x00402130,
  SUBARRAYVSIZE: 0x00402140,
  SUBARRAYMODE: 0x00402150,
  IMAGE_WIDTH: 0x00420210,
  IMAGE_HEIGHT: 0x00420220,
  IMAGE_PIXELTYPE: 0x00420270,
});

/** The name of a property id, for messages. */
export function dcamPropertyName(id: number): string {
  for (const [name, value] of Object.entries(DCAM_IDPROP)) if (value === id) return name;
  return `0x${id.toString(16).padStart(8, '0')}`;
}

/** DCAM property values (`DCAMPROP_*`). */
export const DCAMPROP = Object.freeze({
  MODE_OFF: 1,
  MODE_ON: 2,
  TRIGGERSOURCE_EXTERNAL: 2,
  TRIGGERACTIVE_LEVEL: 2,
  TRIGGERPOLARITY_POSITIVE: 2,
  TRIGGER_GLOBALEXPOSURE_DELAYED: 3,
  READOUTSPEED_SLOWEST: 1,
  READOUTSPEED_FASTEST: 0x7fffffff,
  SENSORMODE_AREA: 1,
  SENSORMODE_PHOTONNUMBERRESOLVING: 18,
  PIXELTYPE_MONO16: 2,
});

/** `DCAM_IDSTR_*`: strings a camera reports. */
export const DCAM_IDSTR = Object.freeze({
  CAMERAID: 0x04000102,
  VENDOR: 0x04000103,
  MODEL: 0x04000104,
});

/** `DCAMWAIT_CAPEVENT_FRAMEREADY`: a frame is in the buffer. */
export const DCAMWAIT_CAPEVENT_FRAMEREADY = 0x0002;

/** `DCAMCAP_START_SEQUENCE`: capture into the ring of buffers until stopped. */
export const DCAMCAP_START_SEQUENCE = -1;
