import { SerialPort, SerialPortMock, type SerialPortOpenOptions } from 'serialport';
import { hangupAwareBinding } from '../internal/hangup-aware-binding.js';

/** A port object from serialport: a real port (`SerialPort`) or an in-memory one (`SerialPortMock`). */
export type SerialPortHandle = SerialPort | SerialPortMock;

/** What a {@link SerialPortFactory} receives: the settings in serialport's vocabulary. */
export interface SerialPortOpenRequest {
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  readonly stopBits: 1 | 1.5 | 2;
  readonly rtscts: boolean;
  readonly xon: boolean;
  readonly xoff: boolean;
  /** Always false: the transport opens the port itself. */
  readonly autoOpen: false;
}

/**
 * Creates (without opening) the serialport object for a path. The transport uses
 * {@link systemSerialPorts} by default; unit tests pass {@link mockSerialPorts} or a simulator's
 * factory (see `mockPortFactory`).
 */
export type SerialPortFactory = (request: SerialPortOpenRequest) => SerialPortHandle;

/**
 * Real serial ports (also pseudo-terminals) through serialport's native bindings, with one fix: on
 * Linux and macOS a port whose other side hangs up reports a disconnection, where bindings-cpp 13
 * alone would retry its reads forever.
 */
export const systemSerialPorts: SerialPortFactory = (request) =>
  new SerialPort({ ...request, binding: hangupAwareBinding } as SerialPortOpenOptions<
    typeof SerialPort.binding
  >);

/**
 * serialport's in-memory ports (`SerialPortMock`); the path must have been created with
 * `SerialPortMock.binding.createPort(path)`. Use `SerialPortMock.binding`, never an import of
 * `@serialport/binding-mock`: in ESM that is a different copy of the mock registry.
 */
export const mockSerialPorts: SerialPortFactory = (request) => new SerialPortMock({ ...request });
