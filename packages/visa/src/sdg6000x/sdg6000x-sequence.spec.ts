// "Done when" of issue 10: the SDG6000X driver runs in a sequence against the simulator, over the
// pure TCPIP backend (raw socket and VXI-11) and through the compiled VISA library; a malformed
// resource string, a timeout, an instrument error-queue entry and a dropped connection each give a
// typed error naming the resource, and the session is closed afterwards.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeviceRegistry,
  ExecuteShot,
  ExperimentManager,
  ExperimentSession,
  IterationConfiguration,
  LinspaceLoop,
  ShotlineEventBus,
  TimeLanes,
  type ErrorSummary,
  type Procedure,
} from '@shotline/core';
import { MemorySessionStorage } from '@shotline/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { visaPlugin } from '../plugin.js';
import { ScpiSimulator } from '../simulator/scpi-simulator.js';
import { compileFakeVisa } from '../testing/fake-visa-library.test-helper.js';
import { SDG6000X_TYPE, type Sdg6000xConfiguration } from './sdg6000x-configuration.js';

const fakeVisa = await compileFakeVisa();

interface Route {
  readonly label: string;
  configure(simulator: ScpiSimulator): Pick<Sdg6000xConfiguration, 'resource' | 'backend'> & {
    libraryPath?: string;
  };
}

const routes: Route[] = [
  {
    label: 'the pure TCPIP backend over a raw socket',
    configure: (sim) => ({ resource: sim.socketResource, backend: 'tcpip' }),
  },
  {
    label: 'the pure TCPIP backend over VXI-11',
    configure: (sim) => ({ resource: sim.vxi11Resource, backend: 'tcpip' }),
  },
];
if (fakeVisa) {
  routes.push({
    label: 'the compiled VISA library',
    configure: (sim) => ({
      resource: sim.socketResource,
      backend: 'library',
      libraryPath: fakeVisa.path,
    }),
  });
}

let simulator: ScpiSimulator;

beforeAll(async () => {
  simulator = await ScpiSimulator.start();
});

afterAll(async () => {
  await simulator.close();
  await fakeVisa?.remove();
});

/** A lab with the VISA plugin, in-memory storage, and one generator called `rf`. */
async function lab(configuration: Sdg6000xConfiguration): Promise<{
  storage: MemorySessionStorage;
  registry: DeviceRegistry;
  session: ExperimentSession;
  events: ShotlineEventBus;
}> {
  const registry = new DeviceRegistry();
  await registry.use(visaPlugin);
  const storage = new MemorySessionStorage();
  const session = new ExperimentSession(storage, registry);
  await session.setDeviceConfiguration({ name: 'rf', type: SDG6000X_TYPE, configuration });
  return { storage, registry, session, events: new ShotlineEventBus() };
}

/** `f` from `start` to `stop` MHz in `num` shots of 1 ms. */
function frequencyScan(start: number, stop: number, num: number) {
  return {
    iteration: new IterationConfiguration([
      new LinspaceLoop({
        variable: 'f',
        start: `${start} MHz`,
        stop: `${stop} MHz`,
        num,
        steps: [new ExecuteShot()],
      }),
    ]),
    timeLanes: new TimeLanes({ stepNames: ['pulse'], stepDurations: ['1 ms'] }),
  };
}

async function runSequence(
  l: Awaited<ReturnType<typeof lab>>,
  during?: (procedure: Procedure) => void,
): Promise<Error | undefined> {
  const manager = await ExperimentManager.create({
    storage: l.storage,
    registry: l.registry,
    events: l.events,
  });
  try {
    return await manager.createProcedure('issue 10').run(async (procedure) => {
      procedure.startSequence('\\rf scan');
      during?.(procedure);
      return procedure.exception();
    });
  } finally {
    await manager.close();
  }
}

/** The summary and its causes, outermost first. */
function chain(summary: ErrorSummary | null | undefined): ErrorSummary[] {
  const all: ErrorSummary[] = [];
  for (let s = summary ?? undefined; s; s = s.cause ?? s.errors?.[0]) all.push(s);
  return all;
}

/** Waits until the simulator has seen every client leave (closing is asynchronous on its side). */
async function connectionsClosed(): Promise<number> {
  for (let i = 0; i < 100 && simulator.connectionCount > 0; i++) await sleep(10);
  return simulator.connectionCount;
}

describe.each(routes)('the SDG6000X in a sequence, through $label', (route) => {
  const configuration = (
    overrides: Partial<Sdg6000xConfiguration> = {},
  ): Sdg6000xConfiguration => ({
    ...route.configure(simulator),
    timeoutMs: 300,
    checkErrorQueue: true,
    channels: [
      {
        kind: 'sine',
        output: 'Enabled',
        frequency: 'f',
        amplitude: '1 V',
        offset: '0.1 V',
        load: '50 ohm',
      },
      {
        kind: 'sine',
        output: 'Disabled',
        frequency: '2 * f',
        amplitude: '-6 dBm',
        offset: '0 V',
        load: '50 ohm',
      },
    ],
    ...overrides,
  });

  beforeEach(() => {
    simulator.unmute();
    simulator.instrument.reset();
  });

  /** Runs a failing sequence and returns the error summary entry with `code`, checked. */
  async function failure(
    config: Sdg6000xConfiguration,
    code: string,
    storedShots: number[],
    scan = frequencyScan(1, 3, 3),
    during?: (l: Awaited<ReturnType<typeof lab>>) => void,
  ): Promise<ErrorSummary> {
    const l = await lab(config);
    await l.session.createSequence('\\rf scan', scan);
    const error = await runSequence(l, () => during?.(l));
    expect(error).toBeDefined();
    const stored = await l.session.sequence('\\rf scan');
    expect(stored.state).toBe('crashed');
    expect(await l.session.shotIndices('\\rf scan')).toEqual(storedShots);
    const entry = chain(stored.error).find((s) => s.code === code);
    expect(
      entry,
      `no ${code} in ${JSON.stringify(chain(stored.error).map((s) => s.code))}`,
    ).toBeDefined();
    expect(await connectionsClosed()).toBe(0);
    return entry!;
  }

  it('programs both channels for every shot, verifies them, and closes the session', async () => {
    const l = await lab(configuration());
    await l.session.createSequence('\\rf scan', frequencyScan(1, 3, 3));
    expect(await runSequence(l)).toBeUndefined();
    expect(await l.session.state('\\rf scan')).toBe('finished');
    expect(await l.session.shotIndices('\\rf scan')).toEqual([0, 1, 2]);
    const instrument = simulator.instrument;
    expect(instrument.property('frequency', 1)).toBe(3e6);
    expect(instrument.property('frequency', 2)).toBe(6e6);
    expect(instrument.property('amplitude', 1)).toBe(1);
    // -6 dBm into 50 ohm: 2 sqrt(2) sqrt(10^-0.6 mW * 50 ohm) = 0.3170 Vpp
    expect(instrument.property('amplitude', 2)).toBeCloseTo(0.317, 3);
    expect(instrument.property('offset', 1)).toBe(0.1);
    expect(instrument.property('output', 1)).toBe('ON');
    expect(instrument.property('output', 2)).toBe('OFF');
    expect(instrument.property('load', 1)).toBe('50');
    const frequencyCommands = instrument.received.filter((m) => m.startsWith('C1:BSWV FRQ'));
    expect(frequencyCommands).toEqual([
      'C1:BSWV FRQ,1000000',
      'C1:BSWV FRQ,2000000',
      'C1:BSWV FRQ,3000000',
    ]);
    // Only what changed is written: the amplitude once, not once per shot.
    expect(instrument.received.filter((m) => m === 'C1:BSWV AMP,1')).toHaveLength(1);
    expect(await connectionsClosed()).toBe(0);
  });

  it('fails on a malformed resource string before opening anything, naming the resource', async () => {
    const bad = 'TCPIP::127.0.0.1::5025::SOKET';
    const entry = await failure(configuration({ resource: bad }), 'VISA_INVALID_RESOURCE_NAME', []);
    expect(entry.location).toMatchObject({ device: 'rf', resource: bad });
    expect(entry.message).toContain(bad);
    expect(simulator.instrument.received).toEqual([]);
  });

  it('fails with a timeout naming the resource when the generator stops answering', async () => {
    const config = configuration();
    const entry = await failure(config, 'VISA_TIMEOUT', [0], frequencyScan(1, 3, 3), (l) => {
      l.events.on('shot-started', (e) => {
        if (e.index === 1) simulator.mute();
      });
    });
    expect(entry.location).toMatchObject({ device: 'rf', resource: config.resource });
    expect(entry.message).toContain('VI_ERROR_TMO (0xBFFF0015)');
  });

  it("fails with the instrument's error-queue entry for a value the model refuses", async () => {
    const config = configuration();
    const entry = await failure(config, 'SCPI_INSTRUMENT_ERROR', [0], frequencyScan(100, 300, 2));
    expect(entry.location).toMatchObject({
      device: 'rf',
      channel: 'C1',
      resource: config.resource,
    });
    expect(entry.message).toContain('error -222 "Data out of range" after "C1:BSWV FRQ,300000000"');
  });

  it('catches a refused value by reading it back when the error queue is not checked', async () => {
    const config = configuration({ checkErrorQueue: false });
    const entry = await failure(config, 'SDG6000X_VERIFICATION', [0], frequencyScan(100, 300, 2));
    expect(entry.location).toMatchObject({
      device: 'rf',
      channel: 'C1',
      resource: config.resource,
    });
    expect(entry.message).toContain('frequency 100000000 Hz, not 300000000 Hz');
  });

  it('fails with a lost connection naming the resource when the generator goes away', async () => {
    const config = configuration();
    const entry = await failure(
      config,
      'VISA_CONNECTION_LOST',
      [0],
      frequencyScan(1, 3, 3),
      (l) => {
        l.events.on('shot-started', (e) => {
          if (e.index === 1) simulator.dropConnections();
        });
      },
    );
    expect(entry.location).toMatchObject({ device: 'rf', resource: config.resource });
    expect(entry.message).toContain('VI_ERROR_CONN_LOST');
  });
});

describe('the SDG6000X routes', () => {
  it('include the compiled VISA library (needs gcc)', () => {
    expect(routes).toHaveLength(fakeVisa ? 3 : 2);
  });
});
