import { InvalidResourceNameError } from './visa-errors.js';

/** `GPIB[board]::primary[::secondary][::INSTR]` */
export interface GpibInstrResourceName {
  readonly kind: 'gpib-instr';
  readonly board: number;
  readonly primaryAddress: number;
  readonly secondaryAddress: number | undefined;
  readonly canonical: string;
}

/** `GPIB[board]::INTFC` */
export interface GpibIntfcResourceName {
  readonly kind: 'gpib-intfc';
  readonly board: number;
  readonly canonical: string;
}

/** `ASRL[board][::INSTR]`; the board is a number (`ASRL1` is COM1) or a device path. */
export interface AsrlInstrResourceName {
  readonly kind: 'asrl-instr';
  readonly board: string;
  readonly canonical: string;
}

/**
 * `TCPIP[board]::host[::lan_device_name][::INSTR]`: VXI-11 (`inst0`, the default) or HiSLIP
 * (`hislip0`). `host,port` (a pyvisa-py extension) addresses the VXI-11 core channel directly,
 * without the portmapper.
 */
export interface TcpipInstrResourceName {
  readonly kind: 'tcpip-instr';
  readonly board: number;
  readonly host: string;
  /** The VXI-11 core port given as `host,port`, bypassing the portmapper. */
  readonly port: number | undefined;
  readonly lanDeviceName: string;
  readonly canonical: string;
}

/** `TCPIP[board]::host::port::SOCKET`: a raw TCP socket (SCPI-raw is usually port 5025). */
export interface TcpipSocketResourceName {
  readonly kind: 'tcpip-socket';
  readonly board: number;
  readonly host: string;
  readonly port: number;
  readonly canonical: string;
}

/** `USB[board]::manufacturer::model::serial[::interface][::INSTR|::RAW]` */
export interface UsbResourceName {
  readonly kind: 'usb-instr' | 'usb-raw';
  readonly board: number;
  readonly manufacturerId: number;
  readonly modelCode: number;
  readonly serialNumber: string;
  readonly interfaceNumber: number | undefined;
  readonly canonical: string;
}

/** A parsed VISA resource string. `canonical` is its normalised form (upper-case keywords, board). */
export type ResourceName =
  | GpibInstrResourceName
  | GpibIntfcResourceName
  | AsrlInstrResourceName
  | TcpipInstrResourceName
  | TcpipSocketResourceName
  | UsbResourceName;

const INTERFACES = ['TCPIP', 'GPIB', 'ASRL', 'USB'] as const;
const UNSUPPORTED_INTERFACES = ['VXI', 'PXI', 'VICP', 'GPIB-VXI', 'PRLGX-TCPIP', 'PRLGX-ASRL'];
const CLASSES: Record<(typeof INTERFACES)[number], readonly string[]> = {
  TCPIP: ['INSTR', 'SOCKET'],
  GPIB: ['INSTR', 'INTFC'],
  ASRL: ['INSTR'],
  USB: ['INSTR', 'RAW'],
};
const OTHER_CLASSES = ['BACKPLANE', 'MEMACC', 'SERVANT'];

/**
 * Parses a VISA resource string such as `TCPIP0::192.168.1.5::5025::SOCKET` or `GPIB::12::INSTR`.
 *
 * Keywords (interface and resource class) are case-insensitive, as in NI-VISA; host names and serial
 * numbers keep their case. A missing board means 0; a missing class means INSTR. IPv6 hosts are
 * written in brackets (`TCPIP::[fe80::1]::INSTR`).
 *
 * @throws InvalidResourceNameError quoting the offending part and naming the resource.
 */
export function parseResourceName(resource: string): ResourceName {
  const fail = (reason: string): never => {
    throw new InvalidResourceNameError(`invalid VISA resource string "${resource}": ${reason}`, {
      location: { resource },
    });
  };
  const text = resource.trim();
  if (text === '') fail('it is empty');
  const upper = text.toUpperCase();
  const unsupported = UNSUPPORTED_INTERFACES.find((i) => upper.startsWith(i));
  if (unsupported !== undefined)
    fail(`interface "${unsupported}" is not supported (supported: ${INTERFACES.join(', ')})`);
  const interfaceType = INTERFACES.find((i) => upper.startsWith(i));
  if (interfaceType === undefined) {
    const head = text.split('::')[0] ?? text;
    return fail(
      `unknown interface "${head}" (expected one of ${INTERFACES.join(', ')}, e.g. ` +
        `TCPIP::192.168.1.5::5025::SOCKET)`,
    );
  }
  const parts = splitParts(text.slice(interfaceType.length), fail);
  const boardText = parts.shift() ?? '';
  let resourceClass = 'INSTR';
  const last = parts.at(-1);
  if (last !== undefined) {
    const lastUpper = last.toUpperCase();
    if (CLASSES[interfaceType].includes(lastUpper)) {
      resourceClass = lastUpper;
      parts.pop();
    } else if (OTHER_CLASSES.includes(lastUpper)) {
      fail(`resource class "${last}" is not supported for ${interfaceType}`);
    }
  }
  switch (interfaceType) {
    case 'TCPIP':
      return resourceClass === 'SOCKET'
        ? parseTcpipSocket(boardText, parts, fail)
        : parseTcpipInstr(boardText, parts, fail);
    case 'GPIB':
      return resourceClass === 'INTFC'
        ? parseGpibIntfc(boardText, parts, fail)
        : parseGpibInstr(boardText, parts, fail);
    case 'ASRL':
      return parseAsrl(boardText, parts, fail);
    case 'USB':
      return parseUsb(boardText, parts, resourceClass === 'RAW' ? 'usb-raw' : 'usb-instr', fail);
  }
}

/** True if `resource` parses; never throws. */
export function isValidResourceName(resource: string): boolean {
  try {
    parseResourceName(resource);
    return true;
  } catch {
    return false;
  }
}

type Fail = (reason: string) => never;

/** Splits on `::`, keeping `[...]` (IPv6 literals) together. The first part is the board text. */
function splitParts(rest: string, fail: Fail): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (depth < 0) fail(`unbalanced "]" in "${rest}"`);
    if (depth === 0 && c === ':' && rest[i + 1] === ':') {
      parts.push(current);
      current = '';
      i++;
      continue;
    }
    current += c;
  }
  if (depth !== 0) fail(`unbalanced "[" in "${rest}"`);
  parts.push(current);
  return parts;
}

function parseBoard(text: string, interfaceType: string, fail: Fail): number {
  if (text === '') return 0;
  if (!/^\d+$/.test(text))
    fail(`board "${text}" after ${interfaceType} must be a non-negative integer`);
  return Number(text);
}

function parseInteger(text: string, what: string, min: number, max: number, fail: Fail): number {
  const value = /^\d+$/.test(text)
    ? Number(text)
    : /^0x[0-9a-f]+$/i.test(text)
      ? Number.parseInt(text.slice(2), 16)
      : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`${what} "${text}" must be an integer in ${min}..${max}`);
  return value;
}

function expectParts(parts: string[], min: number, max: number, syntax: string, fail: Fail): void {
  if (parts.length < min || parts.length > max) {
    fail(
      `${parts.length < min ? 'too few' : 'too many'} parts (${parts.length} between the board ` +
        `and the class); expected ${syntax}`,
    );
  }
  parts.forEach((p, i) => {
    if (p === '') fail(`part ${i + 2} is empty; expected ${syntax}`);
  });
}

function parseHost(text: string, fail: Fail): string {
  if (/^\[[0-9A-Fa-f:.%A-Za-z]+\]$/.test(text)) return text;
  if (!/^[A-Za-z0-9._-]+$/.test(text)) {
    fail(
      `host "${text}" may only contain letters, digits, ".", "-" and "_" ` +
        `(write IPv6 addresses in brackets)`,
    );
  }
  return text;
}

function parseTcpipSocket(boardText: string, parts: string[], fail: Fail): TcpipSocketResourceName {
  const syntax = 'TCPIP[board]::host::port::SOCKET';
  expectParts(parts, 2, 2, syntax, fail);
  const board = parseBoard(boardText, 'TCPIP', fail);
  const host = parseHost(parts[0]!, fail);
  const port = parseInteger(parts[1]!, 'port', 1, 65535, fail);
  return {
    kind: 'tcpip-socket',
    board,
    host,
    port,
    canonical: `TCPIP${board}::${host}::${port}::SOCKET`,
  };
}

function parseTcpipInstr(boardText: string, parts: string[], fail: Fail): TcpipInstrResourceName {
  const syntax = 'TCPIP[board]::host[::lan_device_name][::INSTR]';
  expectParts(parts, 1, 2, syntax, fail);
  const board = parseBoard(boardText, 'TCPIP', fail);
  const address = parts[0]!;
  let host = address;
  let port: number | undefined;
  const comma = address.lastIndexOf(',');
  if (comma >= 0 && !address.endsWith(']')) {
    host = address.slice(0, comma);
    port = parseInteger(address.slice(comma + 1), 'port after ","', 1, 65535, fail);
    if (host === '') fail(`host is empty in "${address}"`);
  }
  host = parseHost(host, fail);
  const lanDeviceName = parts[1] ?? 'inst0';
  if (!/^[A-Za-z0-9_.,-]+$/.test(lanDeviceName)) {
    fail(
      `LAN device name "${lanDeviceName}" may only contain letters, digits, "_", ",", "." and "-" ` +
        `(a raw socket is written TCPIP::host::port::SOCKET)`,
    );
  }
  return {
    kind: 'tcpip-instr',
    board,
    host,
    port,
    lanDeviceName,
    canonical: `TCPIP${board}::${address}::${lanDeviceName}::INSTR`,
  };
}

function parseGpibInstr(boardText: string, parts: string[], fail: Fail): GpibInstrResourceName {
  const syntax = 'GPIB[board]::primary_address[::secondary_address][::INSTR]';
  expectParts(parts, 1, 2, syntax, fail);
  const board = parseBoard(boardText, 'GPIB', fail);
  const primaryAddress = parseInteger(parts[0]!, 'primary address', 0, 30, fail);
  const secondaryAddress =
    parts[1] === undefined ? undefined : parseInteger(parts[1], 'secondary address', 0, 30, fail);
  return {
    kind: 'gpib-instr',
    board,
    primaryAddress,
    secondaryAddress,
    canonical:
      secondaryAddress === undefined
        ? `GPIB${board}::${primaryAddress}::INSTR`
        : `GPIB${board}::${primaryAddress}::${secondaryAddress}::INSTR`,
  };
}

function parseGpibIntfc(boardText: string, parts: string[], fail: Fail): GpibIntfcResourceName {
  expectParts(parts, 0, 0, 'GPIB[board]::INTFC', fail);
  const board = parseBoard(boardText, 'GPIB', fail);
  return { kind: 'gpib-intfc', board, canonical: `GPIB${board}::INTFC` };
}

function parseAsrl(boardText: string, parts: string[], fail: Fail): AsrlInstrResourceName {
  expectParts(parts, 0, 0, 'ASRL[board][::INSTR]', fail);
  const board = boardText === '' ? '0' : boardText;
  if (/\s/.test(board)) fail(`serial port "${board}" contains white space`);
  return { kind: 'asrl-instr', board, canonical: `ASRL${board}::INSTR` };
}

function parseUsb(
  boardText: string,
  parts: string[],
  kind: 'usb-instr' | 'usb-raw',
  fail: Fail,
): UsbResourceName {
  const cls = kind === 'usb-raw' ? 'RAW' : 'INSTR';
  const syntax = `USB[board]::manufacturer_id::model_code::serial_number[::interface_number]::${cls}`;
  expectParts(parts, 3, 4, syntax, fail);
  const board = parseBoard(boardText, 'USB', fail);
  const manufacturerId = parseInteger(parts[0]!, 'manufacturer id', 0, 0xffff, fail);
  const modelCode = parseInteger(parts[1]!, 'model code', 0, 0xffff, fail);
  const serialNumber = parts[2]!;
  const interfaceNumber =
    parts[3] === undefined ? undefined : parseInteger(parts[3], 'interface number', 0, 255, fail);
  const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;
  const middle = `${hex(manufacturerId)}::${hex(modelCode)}::${serialNumber}`;
  return {
    kind,
    board,
    manufacturerId,
    modelCode,
    serialNumber,
    interfaceNumber,
    canonical:
      interfaceNumber === undefined
        ? `USB${board}::${middle}::${cls}`
        : `USB${board}::${middle}::${interfaceNumber}::${cls}`,
  };
}
