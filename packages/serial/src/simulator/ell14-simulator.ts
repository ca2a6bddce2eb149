import { normalizeDegrees } from '../internal/angles.js';
import {
  ELL14_MODEL,
  type Ell14Command,
  type Ell14Info,
  decodeEll14Counts,
  encodeEll14Counts,
  encodeEll14Info,
  formatEll14Address,
} from '../ell14/ell14-protocol.js';
import type { SerialSimulator } from './serial-simulator.js';

/**
 * How long simulated moves take: `instant` (the reply follows at once), or `timed`: a fixed
 * overhead plus the angle over the speed (the mount answers "busy" to commands meanwhile).
 */
export type Ell14SimulatedMotion =
  | { readonly kind: 'instant' }
  | { readonly kind: 'timed'; readonly degreesPerSecond: number; readonly overheadMs: number };

/** Roughly an ELL14's timing: 430°/s plus 50 ms per move. */
export const REALISTIC_ELL14_MOTION: Ell14SimulatedMotion = {
  kind: 'timed',
  degreesPerSecond: 430,
  overheadMs: 50,
};

/** Options of {@link Ell14Simulator}. */
export interface Ell14SimulatorOptions {
  /** Bus address it answers to (0 to 15); default 0. */
  readonly address?: number;
  /** Model number reported by `in`; default 14 (set another to test the identity check). */
  readonly model?: number;
  /** Default `11400590`. */
  readonly serialNumber?: string;
  /** Encoder pulses per revolution; default 143360 (0x23000). */
  readonly pulsesPerRevolution?: number;
  /** Angle at power-up, degrees; default 0. */
  readonly initialDegrees?: number;
  /** Default instant. */
  readonly motion?: Ell14SimulatedMotion;
  /** Delay before every reply, ms; default 0. */
  readonly replyDelayMs?: number;
}

/**
 * A fault to inject into the next command (of a given kind, if `command` is set):
 * - `status`: answer `GS<status>` instead (e.g. 2, mechanical timeout);
 * - `silence`: do not answer;
 * - `garbage`: send these bytes instead of the reply (a string is taken as latin1 bytes);
 * - `partial`: send the first half of the reply and never the rest;
 * - `split`: send the reply in three pieces, a few ms apart (it still completes);
 * - `slip`: the move ends `degrees` away from its target (a slipping mount);
 * - `delay`: the reply comes `ms` late (a late reply after the host's timeout); like a real mount,
 *   the replies to later commands wait behind it;
 * - `address`: the reply comes from bus address `address` instead of the mount's own;
 * - `flood`: `bytes` bytes of noise without any line end instead of the reply (a runaway device).
 */
export type Ell14Fault =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'silence' }
  | { readonly kind: 'garbage'; readonly data: string | Uint8Array }
  | { readonly kind: 'partial' }
  | { readonly kind: 'split' }
  | { readonly kind: 'slip'; readonly degrees: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'address'; readonly address: number }
  | { readonly kind: 'flood'; readonly bytes: number };

interface PendingFault {
  readonly fault: Ell14Fault;
  readonly command: Ell14Command | undefined;
}

const COMMAND = /^([0-9A-Fa-f])([a-z]{2})(.*)$/s;

/**
 * A Thorlabs ELL14 rotation mount that speaks the Elliptec protocol: identity (`in`), status
 * (`gs`), position (`gp`), absolute and relative moves (`ma`, `mr`) and homing (`ho`), with
 * optional move timing and injectable faults. Commands for other addresses are ignored, unknown
 * commands get `GS03`. Replies leave in the order of the commands, as the mount handles one command
 * at a time: a late reply holds back the ones after it.
 *
 * Call `dispose()` when done: it cancels the timers of pending replies.
 */
export class Ell14Simulator implements SerialSimulator {
  /** Bus address. */
  readonly address: number;
  /** What `in` reports. */
  readonly info: Ell14Info;
  private readonly motion: Ell14SimulatedMotion;
  private readonly replyDelayMs: number;
  private counts: number;
  private movingUntil = 0;
  private input = '';
  private readonly faults: PendingFault[] = [];
  private readonly transmitListeners = new Set<(data: Buffer) => void>();
  private readonly commandListeners = new Set<(command: string) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: string[] = [];
  /** When the last reply scheduled leaves (Date.now() time): replies keep their order. */
  private lastReplyAt = 0;

  constructor(options: Ell14SimulatorOptions = {}) {
    this.address = options.address ?? 0;
    formatEll14Address(this.address);
    this.info = {
      model: options.model ?? ELL14_MODEL,
      serialNumber: options.serialNumber ?? '11400590',
      year: 2023,
      firmware: '17',
      thread: 'metric',
      travel: 360,
      pulsesPerRevolution: options.pulsesPerRevolution ?? 0x23000,
    };
    this.motion = options.motion ?? { kind: 'instant' };
    this.replyDelayMs = options.replyDelayMs ?? 0;
    this.counts = this.toCounts(options.initialDegrees ?? 0);
  }

  /** Current position in pulses, in [0, pulses per revolution). */
  get positionCounts(): number {
    return this.counts;
  }

  /** Current position in degrees, in [0, 360). */
  get positionDegrees(): number {
    return (this.counts * 360) / this.info.pulsesPerRevolution;
  }

  /** Command lines received so far, addressed to any mount (without terminators). */
  get commands(): readonly string[] {
    return this.log;
  }

  /** Queues a fault for the next command, or the next command of kind `command`. */
  injectFault(fault: Ell14Fault, command?: Ell14Command): void {
    this.faults.push({ fault, command });
  }

  /** Calls `listener` with every complete command line, before it is handled. */
  onCommand(listener: (command: string) => void): () => void {
    this.commandListeners.add(listener);
    return () => this.commandListeners.delete(listener);
  }

  /** Resolves with the next command line received (of kind `command`, if given). */
  nextCommand(command?: Ell14Command): Promise<string> {
    return new Promise((resolve) => {
      const off = this.onCommand((line) => {
        if (command !== undefined && line.slice(1, 3) !== command) return;
        off();
        resolve(line);
      });
    });
  }

  onTransmit(listener: (data: Buffer) => void): () => void {
    this.transmitListeners.add(listener);
    return () => this.transmitListeners.delete(listener);
  }

  receive(data: Uint8Array): void {
    this.input += Buffer.from(data).toString('latin1');
    let end: number;
    while ((end = this.input.search(/[\r\n]/)) >= 0) {
      const line = this.input.slice(0, end);
      this.input = this.input.slice(end + 1);
      if (line.length > 0) this.handle(line);
    }
  }

  /** Cancels pending replies and moves. */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.movingUntil = 0;
    this.lastReplyAt = 0;
  }

  private handle(line: string): void {
    this.log.push(line);
    for (const listener of [...this.commandListeners]) listener(line);
    const match = COMMAND.exec(line);
    if (!match) return;
    const address = Number.parseInt(match[1]!, 16);
    if (address !== this.address) return;
    const command = match[2]!;
    const data = match[3]!;
    const fault = this.takeFault(command);
    if (fault?.kind === 'silence') return;
    if (fault?.kind === 'status') {
      this.reply(`GS${hex2(fault.status)}`);
      return;
    }
    if (Date.now() < this.movingUntil) {
      this.reply('GS09', fault);
      return;
    }
    switch (command) {
      case 'in':
        this.reply(`IN${encodeEll14Info(this.info)}`, fault);
        return;
      case 'gs':
        this.reply('GS00', fault);
        return;
      case 'gp':
        this.reply(`PO${encodeEll14Counts(this.counts)}`, fault);
        return;
      case 'ma':
      case 'mr': {
        if (!/^[0-9A-Fa-f]{8}$/.test(data)) {
          this.reply('GS04', fault);
          return;
        }
        const value = decodeEll14Counts(data);
        this.moveTo(command === 'ma' ? value : this.counts + value, fault);
        return;
      }
      case 'ho':
        if (data !== '0' && data !== '1') {
          this.reply('GS04', fault);
          return;
        }
        this.moveTo(0, fault);
        return;
      default:
        this.reply('GS03', fault);
    }
  }

  private moveTo(targetCounts: number, fault: Ell14Fault | undefined): void {
    const pulses = this.info.pulsesPerRevolution;
    const slip = fault?.kind === 'slip' ? this.toCounts(fault.degrees) : 0;
    const target = (((targetCounts + slip) % pulses) + pulses) % pulses;
    const distance = Math.abs(target - this.counts);
    const degrees = (Math.min(distance, pulses - distance) * 360) / pulses;
    const duration =
      this.motion.kind === 'instant'
        ? 0
        : this.motion.overheadMs + (1000 * degrees) / this.motion.degreesPerSecond;
    const finish = (): void => {
      this.counts = target;
      this.movingUntil = 0;
      this.reply(`PO${encodeEll14Counts(target)}`, fault);
    };
    if (duration <= 0) {
      finish();
      return;
    }
    this.movingUntil = Date.now() + duration;
    this.later(duration, finish);
  }

  private reply(body: string, fault?: Ell14Fault): void {
    const address = fault?.kind === 'address' ? fault.address : this.address;
    const line = `${formatEll14Address(address)}${body}\r\n`;
    let pieces: Buffer[];
    switch (fault?.kind) {
      case 'flood':
        pieces = [Buffer.alloc(fault.bytes, 0x55)];
        break;
      case 'garbage':
        pieces = [
          typeof fault.data === 'string'
            ? Buffer.from(fault.data, 'latin1')
            : Buffer.from(fault.data),
        ];
        break;
      case 'partial':
        pieces = [Buffer.from(line.slice(0, Math.ceil((line.length - 2) / 2)), 'latin1')];
        break;
      case 'split': {
        const a = Math.floor(line.length / 3);
        const b = Math.floor((2 * line.length) / 3);
        pieces = [line.slice(0, a), line.slice(a, b), line.slice(b)].map((p) =>
          Buffer.from(p, 'latin1'),
        );
        break;
      }
      default:
        pieces = [Buffer.from(line, 'latin1')];
    }
    const delay = this.replyDelayMs + (fault?.kind === 'delay' ? fault.ms : 0);
    const now = Date.now();
    const at = Math.max(now + delay, this.lastReplyAt);
    this.lastReplyAt = at + 5 * (pieces.length - 1);
    pieces.forEach((piece, i) => this.later(at - now + 5 * i, () => this.transmit(piece)));
  }

  private transmit(data: Buffer): void {
    for (const listener of [...this.transmitListeners]) listener(data);
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
  }

  private takeFault(command: string): Ell14Fault | undefined {
    const index = this.faults.findIndex((f) => f.command === undefined || f.command === command);
    if (index < 0) return undefined;
    return this.faults.splice(index, 1)[0]!.fault;
  }

  private toCounts(degrees: number): number {
    const pulses = this.info.pulsesPerRevolution;
    return Math.round((normalizeDegrees(degrees) * pulses) / 360) % pulses;
  }
}

function hex2(value: number): string {
  return (value & 0xff).toString(16).toUpperCase().padStart(2, '0');
}
