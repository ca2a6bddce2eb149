#!/usr/bin/env node
// `shotline-visa-simulator`: serves a dialogue file as a loopback SCPI instrument until Ctrl-C.
import { SIMULATOR_USAGE, startSimulatorFromArguments } from '../simulator/simulator-command.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(SIMULATOR_USAGE);
} else {
  try {
    const { simulator, description } = await startSimulatorFromArguments(args);
    console.log(description);
    const stop = (): void => {
      void simulator.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
