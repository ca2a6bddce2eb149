import { BaseDevice, withContext } from '@shotline/core';
import type { SerialPortFactory } from '../transport/serial-port-factory.js';
import { createEll14, type Ell14 } from './ell14.js';
import type { Ell14InitParameters } from './ell14-compiler.js';

/**
 * The ELL14 of one sequence: `open()` opens the port, checks the mount (identity, status) and
 * homes it if configured; `close()` closes the port, once, whatever happened.
 */
export class Ell14Device extends BaseDevice {
  /** The driver. */
  readonly mount: Ell14;

  constructor(
    /** The device name, for messages and data labels. */
    readonly name: string,
    /** What the compiler computed for this sequence. */
    readonly parameters: Ell14InitParameters,
    openPort?: SerialPortFactory,
  ) {
    super();
    this.mount = createEll14({
      path: parameters.port,
      baudRate: parameters.baudRate,
      address: parameters.address,
      moveTimeoutMs: parameters.moveTimeoutMs,
      openPort,
    });
  }

  async open(): Promise<void> {
    this.onClose(() => this.mount.close());
    try {
      await this.mount.open();
      if (this.parameters.homeOnOpen) await this.mount.home();
    } catch (error) {
      throw withContext(error, { device: this.name });
    }
  }
}
