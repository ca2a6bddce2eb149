import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { CliUsageError } from './cli-errors.js';
import type { CommandContext } from './command-context.js';
import { demoCommand } from './commands/demo.js';
import {
  deviceAddCommand,
  deviceEditCommand,
  deviceListCommand,
  deviceRemoveCommand,
  deviceShowCommand,
} from './commands/device.js';
import { devicesCommand } from './commands/devices.js';
import { deviceServerCommand } from './remote/device-server-command.js';
import { remoteDevicesCommand } from './remote/remote-devices-command.js';
import { type ExportOptions, exportCommand } from './commands/export.js';
import { globalsGetCommand, globalsSetCommand } from './commands/globals.js';
import { initCommand } from './commands/init.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { tokenCreateCommand } from './commands/token.js';
import { storageCheckCommand } from './commands/storage.js';
import {
  seqCreateCommand,
  seqDeleteCommand,
  seqDuplicateCommand,
  seqEditCommand,
  seqListCommand,
  seqResetCommand,
  seqShowCommand,
} from './commands/sequences.js';
import { seqPauseCommand, seqResumeCommand } from './commands/pause-resume.js';
import { Output, type OutputStreams } from './output/output.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Exit code of a command line that cannot be understood. */
export const USAGE_EXIT_CODE = 2;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface GlobalOptions {
  lab?: string;
  json?: boolean;
  server?: string;
}

/**
 * Builds the `shotline` program. `state.context` is filled when a command runs, so that `main` can
 * print errors in the chosen format and use the exit code the command set.
 */
function buildProgram(streams: OutputStreams, state: { context?: CommandContext }): Command {
  const program = new Command('shotline');
  const act =
    <A extends unknown[]>(body: (context: CommandContext, ...args: A) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const context: CommandContext = {
        output: new Output(globals.json === true, streams),
        labOption: globals.lab,
        serverOption: globals.server,
        exitCode: 0,
      };
      state.context = context;
      await body(context, ...(args.slice(0, -1) as A));
    };

  program
    .description('shotline: run physics experiments shot by shot')
    .version(version, '-V, --version')
    .option(
      '--lab <folder>',
      'the lab folder (default: $SHOTLINE_LAB, or the nearest shotline.yaml)',
    )
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .option(
      '--server <url>',
      "go through this lab server (default: $SHOTLINE_SERVER, or the lab's running server)",
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
      outputError: () => undefined,
    });

  program
    .command('init')
    .description('create a lab folder with a shotline.yaml and its storage')
    .argument('[dir]', 'the lab folder', '.')
    .option('--storage <url>', 'sqlite:<file> (default sqlite:shotline.sqlite) or postgres://...')
    .option(
      '--allow <packages>',
      'comma-separated plugin packages to load (default: all installed)',
    )
    .action(
      act((c, dir: string, o: { storage?: string; allow?: string }) => initCommand(c, dir, o)),
    );

  program
    .command('devices')
    .description('list the device plugins found, their device types and versions, and broken ones')
    .option(
      '--server <name>',
      'instead: what a device server of the lab file offers, with versions',
    )
    .action(
      // `--server` is also the global option (a lab server's URL), which commander hands to the
      // program wherever it stands: for `devices` it names a device server of the lab file.
      act((c, o: { server?: string }) => {
        const server = o.server ?? c.serverOption;
        return server === undefined ? devicesCommand(c) : remoteDevicesCommand(c, server);
      }),
    );

  program
    .command('device-server')
    .description('host the devices of the plugins installed on this PC for managers on other PCs')
    .requiredOption('--config <file>', "the device server's configuration (YAML)")
    .action(act((c, o: { config: string }) => deviceServerCommand(c, o)));

  const device = program
    .command('device')
    .description("manage the lab's default device configurations");
  device
    .command('list')
    .description('list the devices and whether their configuration is valid')
    .action(act((c) => deviceListCommand(c)));
  device
    .command('show')
    .description("print a device's configuration")
    .argument('<name>')
    .action(act((c, name: string) => deviceShowCommand(c, name)));
  device
    .command('add')
    .description('add a device (default configuration of its type, a file, and/or --set changes)')
    .argument('<name>')
    .requiredOption('--type <tag>', 'device type tag, see "shotline devices"')
    .option('--config <file>', 'YAML or JSON file with the configuration')
    .option('--set <key=value>', 'change one field (dotted keys; repeatable)', collect, [])
    .action(
      act((c, name: string, o: { type: string; config?: string; set: string[] }) =>
        deviceAddCommand(c, name, o),
      ),
    );
  device
    .command('edit')
    .description("change a device's configuration (validated by its type's schema)")
    .argument('<name>')
    .option('--config <file>', 'replace the configuration with this YAML or JSON file')
    .option('--set <key=value>', 'change one field (dotted keys; repeatable)', collect, [])
    .action(
      act((c, name: string, o: { config?: string; set: string[] }) =>
        deviceEditCommand(c, name, o),
      ),
    );
  device
    .command('remove')
    .description('remove a device')
    .argument('<name>')
    .action(act((c, name: string) => deviceRemoveCommand(c, name)));

  const seq = program
    .command('seq')
    .description('manage sequences (paths like \\folder\\name; the leading \\ may be left out)');
  seq
    .command('create')
    .description('create a DRAFT sequence from a YAML or JSON sequence file')
    .argument('<path>')
    .requiredOption('--file <file>', 'the sequence file')
    .action(act((c, path: string, o: { file: string }) => seqCreateCommand(c, path, o)));
  seq
    .command('list')
    .description('list the sequences at or below a folder with their state and progress')
    .argument('[folder]')
    .action(act((c, folder: string | undefined) => seqListCommand(c, folder)));
  seq
    .command('show')
    .description('state, progress, times, devices and error of a sequence')
    .argument('<path>')
    .option('--definition', 'print the sequence file instead (YAML; JSON with --json)')
    .action(act((c, path: string, o: { definition?: boolean }) => seqShowCommand(c, path, o)));
  seq
    .command('edit')
    .description('replace the iteration and time lanes of a DRAFT from a sequence file')
    .argument('<path>')
    .requiredOption('--file <file>', 'the sequence file')
    .action(act((c, path: string, o: { file: string }) => seqEditCommand(c, path, o)));
  seq
    .command('pause')
    .description(
      'pause a running sequence at the next shot boundary (its devices stay open; works from any terminal)',
    )
    .argument('<path>')
    .action(act((c, path: string) => seqPauseCommand(c, path)));
  seq
    .command('resume')
    .description('resume a PAUSED sequence at its next shot')
    .argument('<path>')
    .option('--reload-globals', "apply the lab's current globals to the remaining shots")
    .action(act((c, path: string, o: { reloadGlobals?: boolean }) => seqResumeCommand(c, path, o)));
  seq
    .command('reset')
    .description('set a finished, interrupted or crashed sequence back to DRAFT (erases its shots)')
    .argument('<path>')
    .action(act((c, path: string) => seqResetCommand(c, path)));
  seq
    .command('duplicate')
    .description('create a DRAFT copy of a sequence (without its shots)')
    .argument('<source>')
    .argument('<destination>')
    .action(act((c, s: string, d: string) => seqDuplicateCommand(c, s, d)));
  seq
    .command('delete')
    .description('delete a sequence and its shots (a folder needs --recursive)')
    .argument('<path>')
    .option('--recursive', 'delete a folder with the sequences in it')
    .action(act((c, path: string, o: { recursive?: boolean }) => seqDeleteCommand(c, path, o)));

  const globals = program.command('globals').description('the global parameters of the lab');
  globals
    .command('get')
    .description('print the globals as a YAML file, or one expression')
    .argument('[name]')
    .option('--evaluated', 'print values instead of expressions')
    .action(
      act((c, name: string | undefined, o: { evaluated?: boolean }) =>
        globalsGetCommand(c, name, o),
      ),
    );
  globals
    .command('set')
    .description('replace the globals with a YAML/JSON file, or set name=expression pairs')
    .argument('<file-or-pairs...>')
    .action(act((c, args: string[]) => globalsSetCommand(c, args)));

  program
    .command('run')
    .description(
      'run a sequence with a progress bar (Ctrl-C interrupts cleanly; on a terminal, p pauses and r resumes)',
    )
    .argument('<path>')
    .option('--reset', 'reset a sequence that already ran to DRAFT first (erases its shots)')
    .option(
      '--continue [reason]',
      'continue an INTERRUPTED or CRASHED sequence: run only the shots it has not stored, on its snapshot',
    )
    .action(
      act((c, path: string, o: { reset?: boolean; continue?: string | boolean }) =>
        runCommand(c, path, o),
      ),
    );

  program
    .command('export')
    .description(
      'write the shots of a sequence as rows: parameters and scalar data as columns, arrays (pictures) inline or as .npy files',
    )
    .argument('<path>')
    .option('--format <format>', 'csv, arrow, parquet or hdf5', 'csv')
    .option(
      '--arrays <mode>',
      'none, inline (in the file; default for arrow, parquet, hdf5) or files (.npy files beside it); csv: none or files',
    )
    .option('--out <file>', 'output file (default: stdout; hdf5 and --arrays files need one)')
    .option('--force', 'replace an existing output file')
    .option(
      '--parquet-arrays <encoding>',
      'parquet: arrays as list (default: numbers) or bytes (raw little-endian bytes per shot: faster, smaller)',
    )
    .action(act((c, path: string, o: ExportOptions) => exportCommand(c, path, o)));

  const storage = program.command('storage').description("the lab's storage");
  storage
    .command('check')
    .description(
      'verify every stored array (SQLite: the database, and every chunk file reference and checksum); exits 1 if something is damaged',
    )
    .action(act((c) => storageCheckCommand(c)));

  program
    .command('serve')
    .description(
      "run the lab's server: it owns the lab; scripts, this command line and browsers are its clients",
    )
    .option('--listen <host:port>', 'where to listen (port 0: any free port)', '127.0.0.1:8765')
    .option(
      '--on-stop <mode>',
      'on SIGTERM/Ctrl-C: interrupt (after the running shot) or finish the running sequence',
      'interrupt',
    )
    .option('--tls-cert <file>', "the lab's certificate (PEM): serve HTTPS and WSS")
    .option('--tls-key <file>', 'the key of the certificate (PEM)')
    .option(
      '--allow-origin <origin>',
      'a browser origin allowed to open the event stream (repeatable)',
      collect,
      [],
    )
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(
      act(
        (
          c,
          o: {
            listen: string;
            onStop: string;
            tlsCert?: string;
            tlsKey?: string;
            allowOrigin: string[];
            logLevel: string;
          },
        ) => serveCommand(c, o),
      ),
    );

  const token = program.command('token').description("tokens for the lab's server");
  token
    .command('create')
    .description('create a token for a user (printed once; the lab keeps a salted hash)')
    .argument('<user>')
    .option('--scope <scopes>', 'comma-separated: read, run, edit, admin', 'read,run,edit')
    .option('--save', 'keep it for this lab in ~/.config/shotline/tokens.json (mode 0600)')
    .action(
      act((c, user: string, o: { scope?: string; save?: boolean }) =>
        tokenCreateCommand(c, user, o),
      ),
    );

  program
    .command('demo')
    .description('run the demo experiment on simulated instruments in ./demo-lab')
    .option('--dir <folder>', 'the demo lab folder', 'demo-lab')
    .option(
      '--serve',
      'start the demo lab with its server (prints the URL and a token) instead of running the scan',
    )
    .option('--listen <host:port>', 'with --serve: where the server listens', '127.0.0.1:8765')
    .option('--remote', 'run the camera on a device server in another process (gRPC over TLS)')
    .action(
      act((c, o: { dir: string; serve?: boolean; listen?: string; remote?: boolean }) =>
        demoCommand(c, o),
      ),
    );

  return program;
}

/**
 * Runs the `shotline` command line and returns the exit code: 0 on success, 1 on an error (one line
 * on stderr, naming what and where), 2 on a command line that cannot be understood, 130 for a run
 * interrupted with Ctrl-C.
 */
export async function main(
  argv: readonly string[],
  streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const state: { context?: CommandContext } = {};
  const program = buildProgram(streams, state);
  try {
    await program.parseAsync([...argv]);
    return state.context?.exitCode ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help' || e.code === 'commander.executeSubCommandAsync') {
        return e.exitCode;
      }
      const json = argv.includes('--json');
      new Output(json, streams).error(new CliUsageError(e.message.replace(/^error:\s*/, '')));
      return USAGE_EXIT_CODE;
    }
    const output = state.context?.output ?? new Output(argv.includes('--json'), streams);
    output.error(e);
    // SHOTLINE_DEBUG=1 adds the stack trace (for bug reports).
    if (process.env.SHOTLINE_DEBUG && e instanceof Error && e.stack) {
      streams.stderr.write(`${e.stack}\n`);
    }
    return 1;
  }
}
