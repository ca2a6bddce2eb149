import { BaseDevice, withContext } from '@shotline/core';
import type { MessageBasedResource } from '../message-based-resource.js';
import { openResource } from '../open-resource.js';
import type { ScpiIdentity } from '../scpi/scpi-instrument.js';
import type { Sdg6000xInitParameters, Sdg6000xShotParameters } from './sdg6000x-compiler.js';
import { Sdg6000xInstrument, type Sdg6000xChannelUpdate } from './sdg6000x-instrument.js';

/**
 * A Siglent SDG6000X generator for the duration of a sequence: `open()` opens the VISA session
 * (exclusive lock where the backend supports it), checks the identity and clears the status;
 * `close()` closes the session whatever happened. Errors name the device and the resource.
 */
export class Sdg6000xDevice extends BaseDevice {
  private instrument: Sdg6000xInstrument | undefined;
  private resource: MessageBasedResource | undefined;
  private identity: ScpiIdentity | undefined;

  constructor(
    /** The device name in the lab. */
    readonly name: string,
    private readonly init: Sdg6000xInitParameters,
  ) {
    super();
  }

  /** What `*IDN?` answered when the device was opened. */
  get identification(): ScpiIdentity | undefined {
    return this.identity;
  }

  /** The open session (undefined before `open()` and after `close()`). */
  get session(): MessageBasedResource | undefined {
    return this.resource;
  }

  async open(): Promise<void> {
    try {
      const resource = await openResource(this.init.resource, {
        backend: this.init.backend,
        libraryPath: this.init.libraryPath,
        timeout: this.init.timeoutMs,
        accessMode: 'exclusive',
      });
      this.resource = resource;
      this.onClose(async () => {
        this.resource = undefined;
        this.instrument = undefined;
        await resource.close();
      });
      const instrument = new Sdg6000xInstrument(resource, {
        checkErrorQueue: this.init.checkErrorQueue,
      });
      this.identity = await instrument.identifyGenerator();
      await instrument.clearStatus();
      this.instrument = instrument;
    } catch (e) {
      throw withContext(e, { device: this.name, resource: this.init.resource });
    }
  }

  /** Programs both channels for a shot; returns the commands that were needed. */
  async applyState(
    parameters: Sdg6000xShotParameters,
    signal?: AbortSignal,
  ): Promise<Sdg6000xChannelUpdate[]> {
    const instrument = this.instrument;
    if (!instrument) {
      throw withContext(new Error('the generator is not open'), { device: this.name });
    }
    const updates: Sdg6000xChannelUpdate[] = [];
    for (const [i, state] of parameters.channels.entries()) {
      if (state === null) continue;
      try {
        updates.push(await instrument.applyChannelState(i + 1, state, signal));
      } catch (e) {
        throw withContext(e, {
          device: this.name,
          channel: `C${i + 1}`,
          resource: this.init.resource,
        });
      }
    }
    return updates;
  }
}
