import { parseArgs } from 'node:util';
import { InvalidValueError } from '@shotline/core';
import { SDG6000X_DIALOGUE_FILE } from './dialogue-file.js';
import { ScpiSimulator } from './scpi-simulator.js';
import { SimulatedInstrument } from './simulated-instrument.js';

/** Usage of the `shotline-visa-simulator` command. */
export const SIMULATOR_USAGE = `usage: shotline-visa-simulator [dialogue.yaml] [options]
  --device <name>           device key or resource name in the file (default: the first device)
  --host <address>          interface to listen on (default 127.0.0.1)
  --port <n>                raw SCPI socket port (default 5025; 0 picks a free one)
  --vxi11-port <n>          VXI-11 core channel port (default: a free one)
  --portmapper-port <n>     VXI-11 portmapper port (default: a free one; clients use 111)
  --no-vxi11                serve the raw socket only
  --max-message-bytes <n>   longest message accepted (default 65536); longer ones are refused
Without a file, serves the bundled Siglent SDG6000X dialogue.`;

function port(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new InvalidValueError(`--${name} "${text}" must be a port number in 0..65535`);
  return value;
}

/**
 * Starts a simulator from command-line arguments (the `shotline-visa-simulator` command) and
 * returns it with a description of where it listens.
 */
export async function startSimulatorFromArguments(
  args: readonly string[],
): Promise<{ simulator: ScpiSimulator; description: string }> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      device: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'vxi11-port': { type: 'string' },
      'portmapper-port': { type: 'string' },
      'no-vxi11': { type: 'boolean' },
      'max-message-bytes': { type: 'string' },
    },
  });
  if (positionals.length > 1)
    throw new InvalidValueError(`one dialogue file at most\n${SIMULATOR_USAGE}`);
  const file = positionals[0] ?? SDG6000X_DIALOGUE_FILE;
  const instrument = SimulatedInstrument.fromFile(file, values.device);
  const maxMessageBytes =
    values['max-message-bytes'] === undefined ? undefined : Number(values['max-message-bytes']);
  if (maxMessageBytes !== undefined && !(Number.isInteger(maxMessageBytes) && maxMessageBytes > 0))
    throw new InvalidValueError(
      `--max-message-bytes "${values['max-message-bytes']}" must be a positive whole number of bytes`,
    );
  const simulator = await ScpiSimulator.start({
    instrument,
    host: values.host ?? '127.0.0.1',
    socketPort: port('port', values.port, 5025),
    vxi11: !values['no-vxi11'],
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    vxi11Ports: {
      core: port('vxi11-port', values['vxi11-port'], 0),
      portmapper: port('portmapper-port', values['portmapper-port'], 0),
    },
  });
  const lines = [
    `simulating "${instrument.deviceName}" from ${file}`,
    `  raw socket: ${simulator.socketResource}`,
  ];
  if (simulator.vxi11CorePort !== undefined) {
    lines.push(
      `  VXI-11:     ${simulator.vxi11Resource} (portmapper on port ${simulator.portmapperPort})`,
    );
  }
  return { simulator, description: lines.join('\n') };
}
