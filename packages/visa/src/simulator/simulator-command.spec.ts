import { afterEach, describe, expect, it } from 'vitest';
import { openResource } from '../open-resource.js';
import type { ScpiSimulator } from './scpi-simulator.js';
import { startSimulatorFromArguments } from './simulator-command.js';

let running: ScpiSimulator | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('the simulator command', () => {
  it('serves the bundled SDG6000X dialogue by default and says where', async () => {
    const { simulator, description } = await startSimulatorFromArguments(['--port', '0']);
    running = simulator;
    expect(description).toContain(simulator.socketResource);
    expect(description).toContain(simulator.vxi11Resource);
    const resource = await openResource(simulator.socketResource, { backend: 'tcpip' });
    try {
      expect(await resource.query('*IDN?')).toContain('SDG6022X');
    } finally {
      await resource.close();
    }
  });

  it('can serve the raw socket only', async () => {
    const { simulator, description } = await startSimulatorFromArguments([
      '--port',
      '0',
      '--no-vxi11',
    ]);
    running = simulator;
    expect(simulator.vxi11CorePort).toBeUndefined();
    expect(description).not.toContain('VXI-11');
  });

  it('bounds the messages it accepts when told to', async () => {
    const { simulator } = await startSimulatorFromArguments([
      '--port',
      '0',
      '--no-vxi11',
      '--max-message-bytes',
      '16',
    ]);
    running = simulator;
    expect(simulator.maxMessageBytes).toBe(16);
    await expect(
      startSimulatorFromArguments(['--port', '0', '--max-message-bytes', '1.5']),
    ).rejects.toThrow(/--max-message-bytes "1.5" must be a positive whole number/);
  });

  it('rejects a bad port naming the option', async () => {
    await expect(startSimulatorFromArguments(['--port', '99999'])).rejects.toThrow(
      /--port "99999" must be a port number/,
    );
  });

  it('reports a missing dialogue file with its path', async () => {
    await expect(startSimulatorFromArguments(['/no/such/dialogue.yaml'])).rejects.toThrow(
      /cannot read the dialogue file.*\/no\/such\/dialogue.yaml/,
    );
  });
});
