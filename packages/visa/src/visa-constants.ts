/**
 * Numeric constants of the VISA specification (VPP-4.3.2), as NI-VISA and pyvisa define them.
 * Status codes are given as signed 32-bit integers, which is how the C ABI returns a `ViStatus`.
 */

/** Converts the unsigned hexadecimal form of a status (`0xBFFF0015`) to the signed ABI value. */
const signed = (value: number): number => value | 0;

/** Completion and error codes (`ViStatus`). Negative values are errors, positive ones warnings. */
export const VisaStatus = {
  VI_SUCCESS: 0,
  VI_SUCCESS_EVENT_EN: 0x3fff0002,
  VI_SUCCESS_EVENT_DIS: 0x3fff0003,
  VI_SUCCESS_QUEUE_EMPTY: 0x3fff0004,
  VI_SUCCESS_TERM_CHAR: 0x3fff0005,
  VI_SUCCESS_MAX_CNT: 0x3fff0006,
  VI_WARN_CONFIG_NLOADED: 0x3fff0077,
  VI_SUCCESS_DEV_NPRESENT: 0x3fff007d,
  VI_WARN_NULL_OBJECT: 0x3fff0082,
  VI_WARN_NSUP_ATTR_STATE: 0x3fff0084,
  VI_WARN_UNKNOWN_STATUS: 0x3fff0085,
  VI_SUCCESS_NESTED_SHARED: 0x3fff0099,
  VI_SUCCESS_NESTED_EXCLUSIVE: 0x3fff009a,
  VI_SUCCESS_SYNC: 0x3fff009b,
  VI_ERROR_SYSTEM_ERROR: signed(0xbfff0000),
  VI_ERROR_INV_OBJECT: signed(0xbfff000e),
  VI_ERROR_RSRC_LOCKED: signed(0xbfff000f),
  VI_ERROR_INV_EXPR: signed(0xbfff0010),
  VI_ERROR_RSRC_NFOUND: signed(0xbfff0011),
  VI_ERROR_INV_RSRC_NAME: signed(0xbfff0012),
  VI_ERROR_INV_ACC_MODE: signed(0xbfff0013),
  VI_ERROR_TMO: signed(0xbfff0015),
  VI_ERROR_CLOSING_FAILED: signed(0xbfff0016),
  VI_ERROR_NSUP_ATTR: signed(0xbfff001d),
  VI_ERROR_NSUP_ATTR_STATE: signed(0xbfff001e),
  VI_ERROR_ATTR_READONLY: signed(0xbfff001f),
  VI_ERROR_INV_LOCK_TYPE: signed(0xbfff0020),
  VI_ERROR_ABORT: signed(0xbfff0030),
  VI_ERROR_RAW_WR_PROT_VIOL: signed(0xbfff0034),
  VI_ERROR_RAW_RD_PROT_VIOL: signed(0xbfff0035),
  VI_ERROR_OUTP_PROT_VIOL: signed(0xbfff0036),
  VI_ERROR_INP_PROT_VIOL: signed(0xbfff0037),
  VI_ERROR_ALLOC: signed(0xbfff003c),
  VI_ERROR_IO: signed(0xbfff003e),
  VI_ERROR_NLISTENERS: signed(0xbfff005f),
  VI_ERROR_NSUP_OPER: signed(0xbfff0067),
  VI_ERROR_ASRL_PARITY: signed(0xbfff006a),
  VI_ERROR_ASRL_FRAMING: signed(0xbfff006b),
  VI_ERROR_ASRL_OVERRUN: signed(0xbfff006c),
  VI_ERROR_RSRC_BUSY: signed(0xbfff0072),
  VI_ERROR_INV_PARAMETER: signed(0xbfff0078),
  VI_ERROR_INV_SIZE: signed(0xbfff007b),
  VI_ERROR_NIMPL_OPER: signed(0xbfff0081),
  VI_ERROR_INV_LENGTH: signed(0xbfff0083),
  VI_ERROR_INV_MODE: signed(0xbfff0091),
  VI_ERROR_SESN_NLOCKED: signed(0xbfff009c),
  VI_ERROR_LIBRARY_NFOUND: signed(0xbfff009e),
  VI_ERROR_INTF_NUM_NCONFIG: signed(0xbfff00a5),
  VI_ERROR_CONN_LOST: signed(0xbfff00a6),
  VI_ERROR_MACHINE_NAVAIL: signed(0xbfff00a7),
  VI_ERROR_NPERMISSION: signed(0xbfff00a8),
} as const;

/** Name of a {@link VisaStatus} constant. */
export type VisaStatusName = keyof typeof VisaStatus;

/**
 * Our own one-line descriptions, used by the pure-TypeScript backend (which has no `viStatusDesc`)
 * and when a library cannot describe a status. Worded like NI-VISA's.
 */
const STATUS_DESCRIPTIONS: Partial<Record<VisaStatusName, string>> = {
  VI_SUCCESS: 'Operation completed successfully.',
  VI_SUCCESS_TERM_CHAR: 'The specified termination character was read.',
  VI_SUCCESS_MAX_CNT: 'The number of bytes read is equal to the input count.',
  VI_ERROR_SYSTEM_ERROR: 'Unknown system error (miscellaneous error).',
  VI_ERROR_INV_OBJECT: 'The given session or object reference is invalid.',
  VI_ERROR_RSRC_LOCKED: 'Specified type of lock cannot be obtained because the resource is locked.',
  VI_ERROR_INV_EXPR: 'Invalid expression specified for search.',
  VI_ERROR_RSRC_NFOUND: 'Insufficient location information or resource not present in the system.',
  VI_ERROR_INV_RSRC_NAME: 'Invalid resource reference specified. Parsing error.',
  VI_ERROR_INV_ACC_MODE: 'Invalid access mode.',
  VI_ERROR_TMO: 'Timeout expired before operation completed.',
  VI_ERROR_CLOSING_FAILED: 'Unable to deallocate the previously allocated data structures.',
  VI_ERROR_NSUP_ATTR: 'The specified attribute is not defined by the referenced session.',
  VI_ERROR_NSUP_ATTR_STATE: 'The specified state of the attribute is not valid.',
  VI_ERROR_ATTR_READONLY: 'The specified attribute is read-only.',
  VI_ERROR_ABORT: 'The operation was aborted.',
  VI_ERROR_ALLOC: 'Insufficient system resources to perform necessary memory allocation.',
  VI_ERROR_IO: 'Could not perform operation because of I/O error.',
  VI_ERROR_NSUP_OPER: 'The given session or object reference does not support this operation.',
  VI_ERROR_RSRC_BUSY: 'The resource is valid, but VISA cannot currently access it.',
  VI_ERROR_INV_PARAMETER: 'The value of an unknown parameter is invalid.',
  VI_ERROR_INV_SIZE: 'Invalid size of window specified.',
  VI_ERROR_NIMPL_OPER: 'The given operation is not implemented.',
  VI_ERROR_INV_LENGTH: 'Invalid length specified.',
  VI_ERROR_LIBRARY_NFOUND: 'A code library required by VISA could not be located or loaded.',
  VI_ERROR_CONN_LOST: 'The connection for the given session has been lost.',
  VI_ERROR_MACHINE_NAVAIL: 'The remote machine does not exist or is not accepting any connections.',
  VI_ERROR_NPERMISSION: 'Access to the resource or remote machine is denied.',
};

const NAMES_BY_STATUS = new Map<number, VisaStatusName>(
  (Object.entries(VisaStatus) as [VisaStatusName, number][]).map(([name, value]) => [value, name]),
);

/** The constant name of a status (`VI_ERROR_TMO`), or undefined for a code we do not know. */
export function visaStatusName(status: number): VisaStatusName | undefined {
  return NAMES_BY_STATUS.get(status | 0);
}

/** Our description of a status, or a generic text quoting the code. */
export function visaStatusDescription(status: number): string {
  const name = visaStatusName(status);
  const description = name === undefined ? undefined : STATUS_DESCRIPTIONS[name];
  return description ?? `Unknown VISA status ${formatVisaStatus(status)}.`;
}

/** The unsigned hexadecimal form of a status, as in VISA documentation: `0xBFFF0015`. */
export function formatVisaStatus(status: number): string {
  return `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The C type `viGetAttribute` writes for an attribute; decides how its value is decoded. */
export type VisaAttributeType = 'u8' | 'u16' | 'u32' | 'bool' | 'string';

/** Attribute identifiers (`ViAttr`) and the C type of their value. */
export const VisaAttribute = {
  VI_ATTR_RSRC_CLASS: { id: 0xbfff0001, type: 'string' },
  VI_ATTR_RSRC_NAME: { id: 0xbfff0002, type: 'string' },
  VI_ATTR_RSRC_IMPL_VERSION: { id: 0x3fff0003, type: 'u32' },
  VI_ATTR_RSRC_LOCK_STATE: { id: 0x3fff0004, type: 'u32' },
  VI_ATTR_RSRC_SPEC_VERSION: { id: 0x3fff0170, type: 'u32' },
  VI_ATTR_RSRC_MANF_NAME: { id: 0xbfff0174, type: 'string' },
  VI_ATTR_SEND_END_EN: { id: 0x3fff0016, type: 'bool' },
  VI_ATTR_TERMCHAR: { id: 0x3fff0018, type: 'u8' },
  VI_ATTR_TMO_VALUE: { id: 0x3fff001a, type: 'u32' },
  VI_ATTR_IO_PROT: { id: 0x3fff001c, type: 'u16' },
  VI_ATTR_ASRL_BAUD: { id: 0x3fff0021, type: 'u32' },
  VI_ATTR_ASRL_DATA_BITS: { id: 0x3fff0022, type: 'u16' },
  VI_ATTR_ASRL_PARITY: { id: 0x3fff0023, type: 'u16' },
  VI_ATTR_ASRL_STOP_BITS: { id: 0x3fff0024, type: 'u16' },
  VI_ATTR_ASRL_FLOW_CNTRL: { id: 0x3fff0025, type: 'u16' },
  VI_ATTR_RD_BUF_SIZE: { id: 0x3fff002b, type: 'u32' },
  VI_ATTR_WR_BUF_SIZE: { id: 0x3fff002e, type: 'u32' },
  VI_ATTR_SUPPRESS_END_EN: { id: 0x3fff0036, type: 'bool' },
  VI_ATTR_TERMCHAR_EN: { id: 0x3fff0038, type: 'bool' },
  VI_ATTR_MANF_NAME: { id: 0xbfff0072, type: 'string' },
  VI_ATTR_MODEL_NAME: { id: 0xbfff0077, type: 'string' },
  VI_ATTR_ASRL_AVAIL_NUM: { id: 0x3fff00ac, type: 'u32' },
  VI_ATTR_ASRL_END_IN: { id: 0x3fff00b3, type: 'u16' },
  VI_ATTR_ASRL_END_OUT: { id: 0x3fff00b4, type: 'u16' },
  VI_ATTR_MANF_ID: { id: 0x3fff00d9, type: 'u16' },
  VI_ATTR_MODEL_CODE: { id: 0x3fff00df, type: 'u16' },
  VI_ATTR_INTF_TYPE: { id: 0x3fff0171, type: 'u16' },
  VI_ATTR_GPIB_PRIMARY_ADDR: { id: 0x3fff0172, type: 'u16' },
  VI_ATTR_GPIB_SECONDARY_ADDR: { id: 0x3fff0173, type: 'u16' },
  VI_ATTR_INTF_NUM: { id: 0x3fff0176, type: 'u16' },
  VI_ATTR_TCPIP_ADDR: { id: 0xbfff0195, type: 'string' },
  VI_ATTR_TCPIP_HOSTNAME: { id: 0xbfff0196, type: 'string' },
  VI_ATTR_TCPIP_PORT: { id: 0x3fff0197, type: 'u16' },
  VI_ATTR_TCPIP_DEVICE_NAME: { id: 0xbfff0199, type: 'string' },
  VI_ATTR_TCPIP_NODELAY: { id: 0x3fff019a, type: 'bool' },
  VI_ATTR_TCPIP_KEEPALIVE: { id: 0x3fff019b, type: 'bool' },
  VI_ATTR_USB_SERIAL_NUM: { id: 0xbfff01a0, type: 'string' },
  VI_ATTR_USB_INTFC_NUM: { id: 0x3fff01a1, type: 'u16' },
} as const satisfies Record<string, { id: number; type: VisaAttributeType }>;

/** Name of a {@link VisaAttribute}. */
export type VisaAttributeName = keyof typeof VisaAttribute;

/** The JavaScript value of an attribute: strings for string attributes, booleans, numbers. */
export type VisaAttributeValue<N extends VisaAttributeName = VisaAttributeName> =
  (typeof VisaAttribute)[N]['type'] extends 'string'
    ? string
    : (typeof VisaAttribute)[N]['type'] extends 'bool'
      ? boolean
      : number;

/** Interface types reported by `VI_ATTR_INTF_TYPE`. */
export const VisaInterfaceType = {
  GPIB: 1,
  VXI: 2,
  GPIB_VXI: 3,
  ASRL: 4,
  PXI: 5,
  TCPIP: 6,
  USB: 7,
} as const;

/** Special timeout values (`VI_ATTR_TMO_VALUE`, milliseconds). */
export const VI_TMO_IMMEDIATE = 0;
/** Wait forever. */
export const VI_TMO_INFINITE = 0xffffffff;
/** Buffer size of resource names and descriptions in the C API. */
export const VI_FIND_BUFLEN = 256;
/** `viOpen` access modes. */
export const VisaAccessMode = { VI_NO_LOCK: 0, VI_EXCLUSIVE_LOCK: 1, VI_SHARED_LOCK: 2 } as const;
