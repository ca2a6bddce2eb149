#!/usr/bin/env node
// The `shotline` command.
import { main } from './cli-program.js';

process.exitCode = await main(process.argv);
