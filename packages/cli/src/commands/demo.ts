import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { SequencePath } from '@shotline/core';
import type { CommandContext } from '../command-context.js';
import {
  DEMO_PLUGINS,
  DEMO_SEQUENCE_FILE,
  DEMO_SEQUENCE_PATH,
  demoDevices,
  demoGlobals,
} from '../demo/demo-lab.js';
import { startDemoInstruments } from '../demo/demo-instruments.js';
import { serveDemo } from '../demo/demo-serve.js';
import { SourceDocument, displayPath } from '../input/source-document.js';
import { shellQuotedPath } from '../input/sequence-path-arg.js';
import { Lab } from '../lab/lab.js';
import { LAB_CONFIG_FILE, labConfigText } from '../lab/lab-config.js';
import { formatBytes, runSequence, storageBytes, type RunSummary } from '../run/run-sequence.js';
import { parseSequenceFile } from '../sequence-file/sequence-file.js';

/** What `shotline demo` reports. */
export interface DemoSummary extends RunSummary {
  readonly lab: string;
  /** Wall time of the whole demo (simulators, lab, run), seconds. */
  readonly wallSeconds: number;
  /** True when the lab already existed (the sequence was reset and run again). */
  readonly rerun: boolean;
  readonly devices: readonly { name: string; type: string; via: string }[];
  readonly next: readonly string[];
}

/** How the user invoked this command, for the "next commands" hints. */
function commandName(): string {
  const script = process.argv[1] ?? '';
  if (basename(script) === 'bin.js' && script.includes(join('packages', 'cli', 'dist'))) {
    const rel = relative(process.cwd(), script);
    return `node ${rel.startsWith('..') ? script : rel}`;
  }
  return 'shotline';
}

/**
 * `shotline demo [--dir demo-lab]`: starts the simulated instruments (sequencer, camera, an ELL14
 * behind a pseudo-terminal, an SDG6000X on loopback TCP), makes or reuses the demo lab (SQLite
 * storage), runs a 2-D scan of 50 shots with a progress bar and prints a summary with the next
 * commands to try. Re-runnable: an existing demo lab is reused and its sequence reset.
 */
export async function demoCommand(
  context: CommandContext,
  options: { dir: string; serve?: boolean; listen?: string },
): Promise<void> {
  const started = performance.now();
  const dir = resolve(options.dir);
  const configFile = join(dir, LAB_CONFIG_FILE);
  const rerun = existsSync(configFile);
  const output = context.output;
  output.notice(
    options.serve
      ? `shotline demo --serve: the demo lab on simulated instruments with its server, lab ${displayPath(dir)}`
      : `shotline demo: a 2-D scan on simulated instruments, lab ${displayPath(dir)}`,
  );
  const instruments = await startDemoInstruments();
  let summary: RunSummary;
  let devices: DemoSummary['devices'];
  let lab: Lab;
  try {
    await mkdir(dir, { recursive: true });
    // The demo owns its lab: the configuration is rewritten so the plugins match the simulators.
    const allow = DEMO_PLUGINS.filter(
      (p) => !(p === '@shotline/serial' && instruments.ell14Link === 'memory'),
    );
    await writeFile(configFile, labConfigText({ allow }));
    await writeFile(join(dir, 'scan.yaml'), DEMO_SEQUENCE_FILE);
    lab = await Lab.open({ dir, configFile }, { writer: 'worker' });
    try {
      if (instruments.ell14Plugin) await lab.registry.use(instruments.ell14Plugin);
      await lab.session.setGlobals(demoGlobals());
      const configurations = demoDevices(instruments);
      for (const device of configurations) await lab.session.setDeviceConfiguration(device);
      devices = configurations.map((d) => ({
        name: d.name,
        type: d.type,
        via:
          d.name === 'waveplate'
            ? instruments.ell14Link === 'pty'
              ? `pseudo-terminal ${instruments.ell14Port}`
              : 'in-memory serial port (socat not found)'
            : d.name === 'rf'
              ? instruments.sdgResource
              : 'simulated in this process',
      }));
      const definition = parseSequenceFile(
        SourceDocument.parse(DEMO_SEQUENCE_FILE, displayPath(join(dir, 'scan.yaml'))),
        lab.registry.laneTypes,
      );
      const path = SequencePath.parse(DEMO_SEQUENCE_PATH);
      if (await lab.storage.pathExists(path)) {
        if ((await lab.session.state(path)) !== 'draft') await lab.session.resetToDraft(path);
        await lab.session.setTimeLanes(path, definition.timeLanes);
        await lab.session.setIteration(path, definition.iteration);
      } else {
        await lab.session.createSequence(path, definition);
      }
      if (options.serve) {
        await serveDemo(context, lab, options.listen, `${commandName()} --lab ${displayPath(dir)}`);
        return;
      }
      summary = await runSequence(lab, path, output);
    } finally {
      await lab.close();
    }
  } finally {
    await instruments.close();
  }
  // Measured once the storage is closed: its write-ahead log is then folded into the file.
  summary = { ...summary, dataBytes: storageBytes(lab.storageTarget) };
  const wallSeconds = (performance.now() - started) / 1000;
  const shotline = `${commandName()} --lab ${displayPath(dir)}`;
  const quoted = shellQuotedPath(DEMO_SEQUENCE_PATH);
  const next = [
    `${shotline} seq show ${quoted}`,
    `${shotline} export ${quoted} --format csv`,
    `${shotline} export ${quoted} --format arrow --out scan.arrow`,
    `${shotline} devices`,
    `${shotline} seq show ${quoted} --definition`,
  ];
  const result: DemoSummary = { ...summary, lab: dir, wallSeconds, rerun, devices, next };
  if (summary.state === 'interrupted') context.exitCode = 130;
  output.result(result, () => [
    '',
    `${summary.state.toUpperCase()}: ${summary.shots}/${summary.expectedShots ?? '?'} shots of ${summary.path} in ${summary.seconds.toFixed(1)} s (${summary.rate.toFixed(1)} shots/s; demo wall time ${wallSeconds.toFixed(1)} s)`,
    ...devices.map((d) => `  ${d.name.padEnd(10)} ${d.type.padEnd(30)} ${d.via}`),
    `data:  ${summary.storage}${summary.dataBytes !== null ? ` (${formatBytes(summary.dataBytes)})` : ''}`,
    `       every shot: the parameters (detuning, angle), the picture camera\\atoms (128×128),`,
    `       the measured waveplate angle waveplate\\position`,
    `lab:   ${displayPath(dir)} (configuration ${LAB_CONFIG_FILE}, sequence file scan.yaml)${rerun ? '; reused and reset' : ''}`,
    '',
    'try next:',
    ...next.map((n) => `  ${n}`),
  ]);
}
