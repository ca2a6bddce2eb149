// The fake spinapi (packages/sequencer/native/fake-spinapi.c), compiled with gcc into a temporary
// directory once per test process, and bindings to its test controls.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import type { PulseBlasterProgram } from './pulseblaster-program.js';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '../../native/fake-spinapi.c');

let built: string | undefined;

/** Path of the compiled fake library (built on first use). */
export function fakeSpinapiPath(): string {
  if (built === undefined) {
    const directory = mkdtempSync(join(tmpdir(), 'shotline-fake-spinapi-'));
    const path = join(directory, 'libfakespinapi.so');
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', path, SOURCE, '-lm']);
    built = path;
  }
  return built;
}

/** The fake's test controls, bound to the same loaded library the driver uses. */
export class FakeSpinapi {
  readonly path = fakeSpinapiPath();
  private readonly lib = koffi.load(this.path);
  private readonly resetFn = this.lib.func('void fake_reset(void)');
  private readonly configureFn = this.lib.func(
    'void fake_configure(int boards, int memory, int minimum_cycles)',
  );
  private readonly scaleFn = this.lib.func('void fake_set_time_scale(double scale)');
  private readonly countFn = this.lib.func('int fake_instruction_count(void)');
  private readonly instructionFn = this.lib.func(
    'int fake_instruction(int i, _Out_ unsigned int *flags, _Out_ int *inst, _Out_ int *data, _Out_ double *length)',
  );
  private readonly logFn = this.lib.func('const char *fake_call_log(void)');

  /** Back to one board, 4096 instructions, 5-cycle minimum, real time, nothing recorded. */
  reset(): void {
    this.resetFn();
  }

  configure(boards: number, memory = 4096, minimumCycles = 5): void {
    this.configureFn(boards, memory, minimumCycles);
  }

  /** Scales how long the simulated board runs (0: it is done at once). */
  setTimeScale(scale: number): void {
    this.scaleFn(scale);
  }

  /** The spinapi calls made so far, in order (pb_inst_pbonly and pb_read_status excepted). */
  calls(): string[] {
    return (this.logFn() as string).split('\n').filter(Boolean);
  }

  /** The program the board holds, exactly as the driver wrote it. */
  recordedProgram(): Omit<PulseBlasterProgram, 'durationNs'> {
    const n = this.countFn() as number;
    const program = {
      flags: new Uint32Array(n),
      opcodes: new Uint8Array(n),
      data: new Int32Array(n),
      lengthsNs: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const flags = [0];
      const inst = [0];
      const data = [0];
      const length = [0];
      this.instructionFn(i, flags, inst, data, length);
      program.flags[i] = flags[0]!;
      program.opcodes[i] = inst[0]!;
      program.data[i] = data[0]!;
      program.lengthsNs[i] = length[0]!;
    }
    return program;
  }
}
