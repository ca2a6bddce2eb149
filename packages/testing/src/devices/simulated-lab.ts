import {
  DeviceRegistry,
  ExperimentSession,
  ShotlineEventBus,
  type DependencyContainer,
  type DeviceConfiguration,
  type SessionStorage,
} from '@shotline/core';
import { testingPlugin } from '../plugin.js';
import { MemorySessionStorage } from '../storage/index.js';
import { SIMULATION_RECORDER_TOKEN, SimulationRecorder } from './simulation-recorder.js';

/** Options of {@link createSimulatedRegistry}. */
export interface SimulatedRegistryOptions {
  /** Receives what the devices do on the main thread. */
  readonly recorder?: SimulationRecorder;
  /** Parent container (default: tsyringe's root). */
  readonly parent?: DependencyContainer;
}

/**
 * A fresh {@link DeviceRegistry} (its own child container) with the testing plugin loaded, so its
 * sequences can compile in worker threads, and the recorder registered for the devices.
 */
export async function createSimulatedRegistry(
  options: SimulatedRegistryOptions = {},
): Promise<DeviceRegistry> {
  const registry = new DeviceRegistry(options.parent ? { parent: options.parent } : {});
  if (options.recorder) {
    registry.container.registerInstance(SIMULATION_RECORDER_TOKEN, options.recorder);
  }
  await registry.use(testingPlugin);
  return registry;
}

/** A complete lab made of simulated parts, for tests and demos. */
export interface SimulatedLab {
  readonly storage: SessionStorage;
  readonly registry: DeviceRegistry;
  readonly session: ExperimentSession;
  readonly recorder: SimulationRecorder;
  readonly events: ShotlineEventBus;
}

/** Options of {@link createSimulatedLab}. */
export interface SimulatedLabOptions {
  /** Default device configurations to store (validated). */
  readonly devices?: readonly DeviceConfiguration[];
  /** Storage to use; default a new in-memory storage. */
  readonly storage?: SessionStorage;
  /**
   * Record what the devices do (default true). Benchmarks turn it off: the recorder keeps every
   * event in memory.
   */
  readonly record?: boolean;
}

/**
 * A lab of simulated parts: storage (in memory unless given), a registry with the simulated devices
 * and a recorder, the session façade, an event bus, and the given default devices.
 */
export async function createSimulatedLab(options: SimulatedLabOptions = {}): Promise<SimulatedLab> {
  const recorder = new SimulationRecorder();
  const registry = await createSimulatedRegistry(options.record === false ? {} : { recorder });
  const storage = options.storage ?? new MemorySessionStorage();
  const session = new ExperimentSession(storage, registry);
  for (const device of options.devices ?? []) await session.setDeviceConfiguration(device);
  return { storage, registry, session, recorder, events: new ShotlineEventBus() };
}
