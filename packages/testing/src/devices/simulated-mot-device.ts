import {
  InvalidValueError,
  Parameters,
  Quantity,
  inject,
  injectable,
  type ParameterValue,
  type ShotContext,
} from '@shotline/core';
import { Expression } from '@shotline/core';
import { z } from 'zod';
import { SimulatedDeviceExtension, type SimulatedShotPlan } from './simulated-device.js';
import { SIMULATION_RECORDER_TOKEN, type SimulationRecorder } from './simulation-recorder.js';

/** Configuration of a {@link SimulatedMotDeviceExtension}. */
export const simulatedMotDeviceConfigSchema = z.object({
  /** The parameter holding the cooling laser's detuning (a frequency). */
  detuning: z.string().min(1).default('mot.detuning'),
  /** The parameter holding the cooling laser's power. */
  power: z.string().min(1).default('mot.power'),
  /** Atoms at the optimum, without noise. */
  peakAtoms: z.number().positive().default(1e8),
  /** Detuning with the most atoms. */
  optimumDetuning: z.string().default('-12 MHz'),
  /** Gaussian width (standard deviation) of the atom number against the detuning. */
  detuningWidth: z.string().default('5 MHz'),
  /** Saturation power: below it, the capture grows with the power. */
  saturationPower: z.string().default('5 mW'),
  /** Loss power: above the optimum, light-assisted losses and heating shrink the cloud. */
  lossPower: z.string().default('40 mW'),
  /** Relative shot-to-shot noise (standard deviation of a multiplicative Gaussian). */
  noise: z.number().min(0).max(1).default(0.02),
  /** Seed of the noise: the same seed, shot index and parameters give the same atom number. */
  seed: z.int().min(0).default(1),
  /** Signalled as `<device>\<label>`. */
  label: z.string().min(1).default('atoms'),
  /** Time each shot takes after the barrier. */
  shotMs: z.number().min(0).default(0),
});

/** Configuration of a simulated MOT. */
export type SimulatedMotDeviceConfig = z.infer<typeof simulatedMotDeviceConfigSchema>;

/** A quantity expression (`-12 MHz`) in SI base units. */
function si(source: string, what: string): number {
  const value = new Expression(source).evaluate(Parameters.empty);
  const number = value instanceof Quantity ? value.toBase() : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new InvalidValueError(`${what} "${source}" is not a number or a quantity`);
  }
  return number;
}

function parameterSi(value: ParameterValue | undefined, name: string): number {
  if (value instanceof Quantity) return value.toBase();
  if (typeof value === 'number') return value;
  throw new InvalidValueError(
    `the simulated MOT needs the parameter "${name}" (a number or quantity), got ${String(value)}`,
    { location: { parameter: name } },
  );
}

/** A deterministic standard normal deviate from integers (splitmix32 + Box-Muller). */
function gaussian(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    h = Math.imul(h ^ (k | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  const next = (): number => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/**
 * The atom number of the simulated MOT, without noise: a Gaussian in the detuning around its
 * optimum, times a capture that saturates with the power (`P / (P + Psat)`) and a loss that grows
 * with it (`exp(-P / Ploss)`): a smooth surface with one maximum, as a real MOT's is near its
 * optimum. Inputs in SI units (Hz, W).
 */
export function simulatedMotAtoms(
  config: SimulatedMotDeviceConfig,
  detuningHz: number,
  powerW: number,
): number {
  const d0 = si(config.optimumDetuning, 'optimumDetuning');
  const width = si(config.detuningWidth, 'detuningWidth');
  const saturation = si(config.saturationPower, 'saturationPower');
  const loss = si(config.lossPower, 'lossPower');
  const p = Math.max(0, powerW);
  const x = (detuningHz - d0) / width;
  return (
    (config.peakAtoms * Math.exp(-0.5 * x * x) * (p / (p + saturation)) * Math.exp(-p / loss)) /
    maxCapture(saturation, loss)
  );
}

/** The largest value of `P / (P + Ps) * exp(-P / Pl)`, so that `peakAtoms` is the peak. */
function maxCapture(saturation: number, loss: number): number {
  // d/dP ln(...) = 0  <=>  P^2 + Ps P - Ps Pl = 0
  const p = (-saturation + Math.sqrt(saturation * saturation + 4 * saturation * loss)) / 2;
  return (p / (p + saturation)) * Math.exp(-p / loss);
}

/**
 * A simulated magneto-optical trap: each shot it "measures" the number of trapped atoms, a smooth
 * function of the cooling laser's detuning and power (see {@link simulatedMotAtoms}) with
 * multiplicative Gaussian noise, and signals it as `<device>\atoms`. What the closed-loop example
 * optimises.
 */
@injectable()
export class SimulatedMotDeviceExtension extends SimulatedDeviceExtension<SimulatedMotDeviceConfig> {
  static readonly type = 'shotline.testing.mot';
  readonly type = SimulatedMotDeviceExtension.type;
  readonly label = 'Magneto-optical trap (simulated)';
  readonly configurationSchema = simulatedMotDeviceConfigSchema;

  constructor(
    @inject(SIMULATION_RECORDER_TOKEN, { isOptional: true }) recorder?: SimulationRecorder,
  ) {
    super(recorder);
  }

  /** The label it signals: `<device>\atoms`. */
  dataLabels(deviceName: string, config: SimulatedMotDeviceConfig): string[] {
    return [`${deviceName}\\${config.label}`];
  }

  protected plan(
    config: SimulatedMotDeviceConfig,
    shot: ShotContext,
  ): Pick<SimulatedShotPlan, 'runMs' | 'produce'> {
    const detuning = parameterSi(shot.parameters.get(config.detuning), config.detuning);
    const power = parameterSi(shot.parameters.get(config.power), config.power);
    const clean = simulatedMotAtoms(config, detuning, power);
    const noise = gaussian(config.seed, shot.index, Math.round(detuning), Math.round(power * 1e9));
    return {
      runMs: config.shotMs,
      produce: {
        kind: 'number',
        label: config.label,
        value: Math.max(0, Math.round(clean * (1 + config.noise * noise))),
      },
    };
  }
}
