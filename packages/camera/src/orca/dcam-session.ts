import { ConnectionFailedError, type ErrorLocation } from '@shotline/core';
import { DCAMERR, dcamErrorName } from './dcam-constants.js';
import { DCAM_STRUCT_SIZES, type DcamLibrary } from './dcam-library.js';

/** An initialised DCAM-API: how many cameras it found, and how to give it back. */
export interface DcamApiSession {
  readonly deviceCount: number;
  /** Uninitialises DCAM-API when the last user gives it back. */
  release(): void;
}

interface Initialised {
  users: number;
  deviceCount: number;
}

// dcamapi_init and dcamapi_uninit act on the whole process: every open camera of a library shares
// one initialisation, released when the last one closes.
const INITIALISED = new WeakMap<DcamLibrary, Initialised>();

/**
 * Initialises DCAM-API (`dcamapi_init`) or joins the initialisation other open cameras of the
 * process made.
 * @throws ConnectionFailedError naming the DCAM status when it cannot be initialised (no driver,
 * no camera bus).
 */
export function acquireDcamApi(api: DcamLibrary, location: ErrorLocation): DcamApiSession {
  let state = INITIALISED.get(api);
  if (state === undefined) {
    const init = {
      size: DCAM_STRUCT_SIZES.init,
      iDeviceCount: 0,
      reserved: 0,
      initoptionbytes: 0,
      initoption: null,
      guid: null,
    };
    const status = api.dcamapi_init(init);
    if (status < 0) {
      throw new ConnectionFailedError(
        `DCAM-API (${api.source}) could not be initialised: dcamapi_init returned ` +
          `${dcamErrorName(status)}` +
          (status === DCAMERR.NODRIVER || status === DCAMERR.FAILOPENBUS
            ? ': install the DCAM-API driver of the camera interface (CoaXPress or USB)'
            : ''),
        { location },
      );
    }
    state = { users: 0, deviceCount: init.iDeviceCount };
    INITIALISED.set(api, state);
  }
  state.users++;
  const current = state;
  let released = false;
  return {
    deviceCount: current.deviceCount,
    release: () => {
      if (released) return;
      released = true;
      if (--current.users === 0) {
        INITIALISED.delete(api);
        api.dcamapi_uninit();
      }
    },
  };
}
