import { SerialPortMock } from 'serialport';
import type { SerialPortFactory } from '../transport/serial-port-factory.js';
import type { SerialSimulator } from './serial-simulator.js';

/**
 * Connects a {@link SerialSimulator} to serialport's in-memory ports (`SerialPortMock`), for unit
 * tests without any device file: pass `link.openPort` to a transport (or a device extension), and
 * every port it opens talks to the simulator. `unplug()` makes the open port disappear the way
 * serialport reports a removed adapter.
 *
 * The mock registry is global to the process: call `SerialPortMock.binding.reset()` after each test.
 */
export class MockSerialLink {
  private current: SerialPortMock | undefined;

  constructor(private readonly simulator: SerialSimulator) {}

  /** The port factory to give to a transport. */
  readonly openPort: SerialPortFactory = (request) => {
    SerialPortMock.binding.createPort(request.path, { echo: false, record: false });
    const port = new SerialPortMock({ ...request });
    port.once('open', () => this.attach(port));
    return port;
  };

  /** The port opened last, if it is still open. */
  get port(): SerialPortMock | undefined {
    return this.current?.isOpen ? this.current : undefined;
  }

  /** Makes the open port disappear: serialport closes it with a "disconnected" error. */
  unplug(reason = 'simulated unplug'): void {
    const port = this.port;
    if (!port) throw new Error('no simulated port is open');
    port.close(undefined, Object.assign(new Error(reason), { disconnected: true }));
  }

  private attach(port: SerialPortMock): void {
    const binding = port.port!;
    this.current = port;
    const write = binding.write.bind(binding);
    binding.write = async (buffer: Buffer): Promise<void> => {
      await write(buffer);
      this.simulator.receive(buffer);
    };
    const off = this.simulator.onTransmit((data) => {
      if (binding.isOpen) binding.emitData(data);
    });
    port.once('close', off);
  }
}
