import { afterAll, beforeAll } from 'vitest';
import type { MessageBasedResource, ResourceOptions } from '../message-based-resource.js';
import { openResource } from '../open-resource.js';
import { ScpiSimulator } from '../simulator/scpi-simulator.js';
import type { CompiledFakeVisa } from './fake-visa-library.test-helper.js';
import { testInstrument } from './test-instrument.test-helper.js';

/** One way to reach the simulator, for tests that run against every backend. */
export interface TestBackend {
  readonly label: string;
  readonly kind: 'tcpip' | 'library';
  /** False when the transport has no END indicator (raw sockets): only the termination ends a read. */
  readonly signalsEnd: boolean;
  open(simulator: ScpiSimulator, options?: ResourceOptions): Promise<MessageBasedResource>;
}

/**
 * The pure TCPIP SOCKET and VXI-11 backends, and the VISA library backend (the compiled fake
 * library, over SOCKET) when gcc could build it.
 */
export function testBackends(fakeVisa: CompiledFakeVisa | undefined): TestBackend[] {
  const backends: TestBackend[] = [
    {
      label: 'pure TCPIP SOCKET',
      kind: 'tcpip',
      signalsEnd: false,
      open: (sim, options) => openResource(sim.socketResource, { backend: 'tcpip', ...options }),
    },
    {
      label: 'pure VXI-11 INSTR',
      kind: 'tcpip',
      signalsEnd: true,
      open: (sim, options) => openResource(sim.vxi11Resource, { backend: 'tcpip', ...options }),
    },
  ];
  if (fakeVisa) {
    backends.push({
      label: 'VISA library (compiled fakevisa) over SOCKET',
      kind: 'library',
      signalsEnd: false,
      open: (sim, options) =>
        openResource(sim.socketResource, {
          backend: 'library',
          libraryPath: fakeVisa.path,
          ...options,
        }),
    });
  }
  return backends;
}

/**
 * For a spec file: starts a simulator of the test instrument before its tests, and after them
 * closes it and removes the compiled fake library. Returns a getter of the simulator.
 */
export function useTestSimulator(fakeVisa: CompiledFakeVisa | undefined): () => ScpiSimulator {
  let simulator: ScpiSimulator | undefined;
  beforeAll(async () => {
    simulator = await ScpiSimulator.start({ instrument: testInstrument() });
  });
  afterAll(async () => {
    await simulator?.close();
    await fakeVisa?.remove();
  });
  return () => simulator!;
}
