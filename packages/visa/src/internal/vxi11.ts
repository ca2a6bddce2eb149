import { VisaStatus } from '../visa-constants.js';

/** VXI-11 (TCP/IP Instrument Protocol) constants shared by the client and the simulator's server. */

/** The portmapper: program 100000 version 2, GETPORT = 3, usually on TCP port 111. */
export const PORTMAPPER = { program: 100000, version: 2, getPort: 3, defaultPort: 111 } as const;
/** IPPROTO_TCP, as asked of the portmapper. */
export const IPPROTO_TCP = 6;

/** The core channel program. */
export const DEVICE_CORE = { program: 0x0607af, version: 1 } as const;

/** Core channel procedures. */
export const Vxi11Procedure = {
  createLink: 10,
  deviceWrite: 11,
  deviceRead: 12,
  deviceReadStb: 13,
  deviceTrigger: 14,
  deviceClear: 15,
  deviceRemote: 16,
  deviceLocal: 17,
  deviceLock: 18,
  deviceUnlock: 19,
  deviceEnableSrq: 20,
  deviceDoCmd: 22,
  destroyLink: 23,
  createIntrChan: 25,
  destroyIntrChan: 26,
} as const;

/** Operation flags. */
export const Vxi11Flag = { waitLock: 1, end: 8, termCharSet: 128 } as const;

/** Reasons a `device_read` stopped (bits). */
export const Vxi11Reason = { requestCount: 1, termChar: 2, end: 4 } as const;

/** Device error codes. */
export const Vxi11Error = {
  noError: 0,
  syntaxError: 1,
  deviceNotAccessible: 3,
  invalidLinkIdentifier: 4,
  parameterError: 5,
  channelNotEstablished: 6,
  operationNotSupported: 8,
  outOfResources: 9,
  deviceLockedByAnotherLink: 11,
  noLockHeldByThisLink: 12,
  ioTimeout: 15,
  ioError: 17,
  abort: 23,
  channelAlreadyEstablished: 29,
} as const;

/** The VISA status a VXI-11 error becomes (the mapping pyvisa-py uses, with our corrections). */
export function vxi11ErrorToVisaStatus(error: number): number {
  switch (error) {
    case Vxi11Error.noError:
      return VisaStatus.VI_SUCCESS;
    case Vxi11Error.syntaxError:
    case Vxi11Error.parameterError:
      return VisaStatus.VI_ERROR_INV_PARAMETER;
    case Vxi11Error.deviceNotAccessible:
      return VisaStatus.VI_ERROR_RSRC_NFOUND;
    case Vxi11Error.invalidLinkIdentifier:
    case Vxi11Error.channelNotEstablished:
      return VisaStatus.VI_ERROR_CONN_LOST;
    case Vxi11Error.operationNotSupported:
      return VisaStatus.VI_ERROR_NSUP_OPER;
    case Vxi11Error.outOfResources:
      return VisaStatus.VI_ERROR_ALLOC;
    case Vxi11Error.deviceLockedByAnotherLink:
      return VisaStatus.VI_ERROR_RSRC_LOCKED;
    case Vxi11Error.noLockHeldByThisLink:
      return VisaStatus.VI_ERROR_SESN_NLOCKED;
    case Vxi11Error.ioTimeout:
      return VisaStatus.VI_ERROR_TMO;
    case Vxi11Error.abort:
      return VisaStatus.VI_ERROR_ABORT;
    default:
      return VisaStatus.VI_ERROR_IO;
  }
}
