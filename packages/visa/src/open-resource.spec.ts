import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VisaLibrary } from './library/visa-library.js';
import { openResource } from './open-resource.js';
import { ScpiSimulator } from './simulator/scpi-simulator.js';
import {
  InvalidResourceNameError,
  VisaBackendUnsupportedError,
  VisaIOError,
  VisaLibraryNotFoundError,
  VisaResourceNotFoundError,
} from './visa-errors.js';

let simulator: ScpiSimulator;

beforeAll(async () => {
  simulator = await ScpiSimulator.start();
});

afterAll(async () => {
  await simulator.close();
});

describe('openResource', () => {
  it('rejects a malformed resource string with a typed error naming it', async () => {
    const error = (await openResource('TCPIP::127.0.0.1::5025:SOCKET', { backend: 'tcpip' }).catch(
      (e: unknown) => e,
    )) as InvalidResourceNameError;
    expect(error).toBeInstanceOf(InvalidResourceNameError);
    expect(error.location.resource).toBe('TCPIP::127.0.0.1::5025:SOCKET');
  });

  it('reports an instrument that refuses the connection as not found, naming the resource', async () => {
    const error = (await openResource('TCPIP::127.0.0.1::1::SOCKET', { backend: 'tcpip' }).catch(
      (e: unknown) => e,
    )) as VisaIOError;
    expect(error).toBeInstanceOf(VisaResourceNotFoundError);
    expect(error.message).toContain('TCPIP0::127.0.0.1::1::SOCKET');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports a VXI-11 instrument that refuses the connection as not found', async () => {
    await expect(
      openResource('TCPIP::127.0.0.1,1::inst0::INSTR', { backend: 'tcpip' }),
    ).rejects.toBeInstanceOf(VisaResourceNotFoundError);
    await expect(
      openResource('TCPIP::127.0.0.1::inst0::INSTR', { backend: 'tcpip', portmapperPort: 1 }),
    ).rejects.toThrow(/portmapper 127.0.0.1:1/);
  });

  it('finds the VXI-11 core channel through the portmapper', async () => {
    const resource = await openResource(`TCPIP::${simulator.host}::inst0::INSTR`, {
      backend: 'tcpip',
      portmapperPort: simulator.portmapperPort,
    });
    try {
      expect(resource.resourceName).toBe('TCPIP0::127.0.0.1::inst0::INSTR');
      expect(await resource.query('*IDN?')).toContain('SDG6022X');
    } finally {
      await resource.close();
    }
  });

  it('refuses a VXI-11 device name the simulator does not have', async () => {
    const error = (await openResource(
      `TCPIP::127.0.0.1,${simulator.vxi11CorePort}::inst9x::INSTR`,
      { backend: 'tcpip' },
    ).catch((e: unknown) => e)) as VisaIOError;
    expect(error).toBeInstanceOf(VisaIOError);
    expect(error.statusName).toBe('VI_ERROR_NSUP_OPER');
  });

  it('leaves HiSLIP to VISA libraries', async () => {
    await expect(
      openResource('TCPIP::127.0.0.1::hislip0::INSTR', { backend: 'tcpip' }),
    ).rejects.toThrow(/HiSLIP needs a VISA library/);
  });

  it('refuses GPIB, serial and USB resources on the pure TCPIP backend', async () => {
    for (const resource of ['GPIB::12::INSTR', 'ASRL1::INSTR', 'USB::1::2::SN::INSTR']) {
      await expect(openResource(resource, { backend: 'tcpip' })).rejects.toBeInstanceOf(
        VisaBackendUnsupportedError,
      );
    }
  });

  it('fails with the list of places tried when the library backend finds no library', async () => {
    await expect(
      openResource(simulator.socketResource, { backend: 'library', libraryPath: '/no/libvisa.so' }),
    ).rejects.toBeInstanceOf(VisaLibraryNotFoundError);
  });

  let standardLibrary: string | undefined;
  try {
    standardLibrary = VisaLibrary.load({ env: {} }).path;
  } catch {
    standardLibrary = undefined;
  }
  if (standardLibrary === undefined) {
    it('falls back to the pure TCPIP backend when no VISA library is installed (auto)', async () => {
      const resource = await openResource(simulator.socketResource, { env: {} });
      try {
        expect(resource.backend).toBe('tcpip');
        expect(await resource.query('*IDN?')).toContain('SDG6022X');
      } finally {
        await resource.close();
      }
    });
  } else {
    it('prefers the installed VISA library (auto)', async () => {
      console.warn(`a VISA library is installed (${standardLibrary}); auto uses it`);
      await expect(openResource('GPIB::31::INSTR', { env: {} })).rejects.not.toBeInstanceOf(
        VisaBackendUnsupportedError,
      );
    });
  }
});
