import koffi from 'koffi';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openResource } from '../open-resource.js';
import { ScpiSimulator } from '../simulator/scpi-simulator.js';
import { compileFakeVisa } from '../testing/fake-visa-library.test-helper.js';
import { testInstrument } from '../testing/test-instrument.test-helper.js';
import { VisaStatus } from '../visa-constants.js';
import {
  InvalidResourceNameError,
  VisaIOError,
  VisaLibraryInvalidError,
  VisaLibraryNotFoundError,
  VisaResourceClosedError,
  VisaResourceNotFoundError,
  VisaTimeoutError,
} from '../visa-errors.js';
import { VisaLibrary } from './visa-library.js';
import { VISA_LIBRARY_ENV, visaLibraryCandidates } from './visa-library-location.js';
import { VisaResourceManager } from './visa-resource-manager.js';

const fakeVisa = await compileFakeVisa();

describe('locating the VISA library', () => {
  it('uses the configured path alone when there is one', () => {
    expect(
      visaLibraryCandidates({ path: '/opt/x/libvisa.so', env: { [VISA_LIBRARY_ENV]: '/y' } }),
    ).toEqual([{ path: '/opt/x/libvisa.so', source: 'configuration' }]);
  });

  it('uses SHOTLINE_VISA_LIBRARY alone when nothing is configured', () => {
    expect(visaLibraryCandidates({ env: { [VISA_LIBRARY_ENV]: '/y/libvisa.so' } })).toEqual([
      { path: '/y/libvisa.so', source: 'environment' },
    ]);
  });

  it.each([
    ['linux', 'x64', 'libvisa.so'],
    ['win32', 'x64', 'visa64.dll'],
    ['win32', 'ia32', 'visa32.dll'],
    ['darwin', 'arm64', '/Library/Frameworks/VISA.framework/VISA'],
  ] as const)('tries the standard locations of %s/%s first with %s', (platform, arch, first) => {
    const candidates = visaLibraryCandidates({ env: {}, platform, arch });
    expect(candidates[0]).toEqual({ path: first, source: 'standard location' });
  });

  it('lists every path it tried when none loads', () => {
    let error: unknown;
    try {
      VisaLibrary.load({ path: '/nonexistent/libvisa.so' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VisaLibraryNotFoundError);
    const notFound = error as VisaLibraryNotFoundError;
    expect(notFound.code).toBe('VISA_LIBRARY_NOT_FOUND');
    expect(notFound.attempts).toHaveLength(1);
    expect(notFound.message).toContain('/nonexistent/libvisa.so [configuration]');
    expect(notFound.message).toContain('SHOTLINE_VISA_LIBRARY');
  });

  it('rejects a shared library without the VISA functions, naming the first missing one', () => {
    expect(() => VisaLibrary.load({ path: 'libc.so.6' })).toThrow(VisaLibraryInvalidError);
    expect(() => VisaLibrary.load({ path: 'libc.so.6' })).toThrow(/no usable viOpenDefaultRM/);
  });
});

describe.skipIf(!fakeVisa)('the koffi binding, against the compiled fake VISA library', () => {
  let simulator: ScpiSimulator;
  let library: VisaLibrary;
  let rm: VisaResourceManager;
  const concurrentCalls = (): number =>
    (koffi.load(fakeVisa!.path).func('int32_t fakevisa_concurrent_calls(void)') as () => number)();

  beforeAll(async () => {
    simulator = await ScpiSimulator.start({ instrument: testInstrument(), vxi11: false });
    library = VisaLibrary.load({ path: fakeVisa!.path });
  });

  afterAll(async () => {
    await simulator.close();
    await fakeVisa?.remove();
  });

  beforeEach(async () => {
    simulator.unmute();
    rm = await VisaResourceManager.open(library);
  });

  afterEach(async () => {
    delete process.env.FAKEVISA_RESOURCES;
    await rm.close();
  });

  it('finds resources with VISA search expressions', async () => {
    process.env.FAKEVISA_RESOURCES = [
      'TCPIP0::10.0.0.5::5025::SOCKET',
      'GPIB0::12::INSTR',
      'USB0::0x1AB1::0x0588::DS1ED1::INSTR',
    ].join(';');
    expect(await rm.findResources()).toEqual([
      'GPIB0::12::INSTR',
      'USB0::0x1AB1::0x0588::DS1ED1::INSTR',
    ]);
    expect(await rm.findResources('tcpip?*')).toEqual(['TCPIP0::10.0.0.5::5025::SOCKET']);
    expect(await rm.findResources('GPIB[0-9]::1+2::INSTR|ASRL?*')).toEqual(['GPIB0::12::INSTR']);
    expect(await rm.findResources('GPIB[0-9]::1+3::INSTR|ASRL?*')).toEqual([]);
    expect(await rm.findResources('GPIB[^0]::?*')).toEqual([]);
    expect(await rm.findResources('GPIB0::1[0-9]::?*')).toEqual(['GPIB0::12::INSTR']);
    expect(await rm.findResources('ASRL?*')).toEqual([]);
  });

  it('turns an invalid search expression into a typed error', async () => {
    process.env.FAKEVISA_RESOURCES = 'GPIB0::12::INSTR';
    const error = (await rm.findResources('GPIB[0').catch((e: unknown) => e)) as VisaIOError;
    expect(error).toBeInstanceOf(VisaIOError);
    expect(error.statusName).toBe('VI_ERROR_INV_EXPR');
  });

  it("describes a failure with the library's own viStatusDesc text and the hex code", async () => {
    const error = (await rm
      .openResource('TCPIP0::127.0.0.1::1::SOCKET', { openTimeout: 500 })
      .catch((e: unknown) => e)) as VisaResourceNotFoundError;
    expect(error).toBeInstanceOf(VisaResourceNotFoundError);
    expect(error.status).toBe(VisaStatus.VI_ERROR_RSRC_NFOUND);
    // Only the C library prefixes its descriptions with the constant name.
    expect(error.description).toMatch(/^VI_ERROR_RSRC_NFOUND: Insufficient location/);
    expect(error.message).toContain('viOpen failed: VI_ERROR_RSRC_NFOUND (0xBFFF0011)');
    expect(error.location.resource).toBe('TCPIP0::127.0.0.1::1::SOCKET');
  });

  it('passes resources the library does not serve to it, and reports its answer', async () => {
    const error = (await rm.openResource('GPIB::12').catch((e: unknown) => e)) as VisaIOError;
    expect(error).toBeInstanceOf(VisaResourceNotFoundError);
    expect(error.location.resource).toBe('GPIB0::12::INSTR');
  });

  it('rejects a malformed resource string before calling the library', async () => {
    await expect(rm.openResource('TCPIP::host::port::SOCKET')).rejects.toBeInstanceOf(
      InvalidResourceNameError,
    );
  });

  it('keeps the event loop running while a blocking read waits (koffi async)', async () => {
    const session = await rm.openResource(simulator.socketResource, { timeout: 300 });
    simulator.mute();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const error = await session.query('*IDN?').catch((e: unknown) => e);
    clearInterval(timer);
    expect(error).toBeInstanceOf(VisaTimeoutError);
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('never enters one session twice at once, even with concurrent callers', async () => {
    const before = concurrentCalls();
    const session = await rm.openResource(simulator.socketResource);
    await Promise.all(Array.from({ length: 10 }, () => session.query('*IDN?')));
    expect(concurrentCalls()).toBe(before);
  });

  it('detects overlapping calls when they are not serialised (the check above can fail)', async () => {
    const fn = library.functions;
    const callAsync = (f: (typeof fn)['viRead'], ...args: unknown[]): Promise<number> =>
      new Promise((resolve, reject) =>
        f.async(...args, (e: unknown, r: number) => (e ? reject(e as Error) : resolve(r))),
      );
    const rmHandle = [0];
    fn.viOpenDefaultRM(rmHandle);
    const vi = [0];
    expect(fn.viOpen(rmHandle[0], simulator.socketResource, 0, 1000, vi)).toBe(0);
    fn.viSetAttribute(vi[0], 0x3fff001a, 200);
    simulator.mute();
    const before = concurrentCalls();
    const buffers = [Buffer.alloc(16), Buffer.alloc(16)];
    const statuses = await Promise.all(buffers.map((b) => callAsync(fn.viRead, vi[0], b, 16, [0])));
    expect(statuses).toEqual([VisaStatus.VI_ERROR_TMO, VisaStatus.VI_ERROR_TMO]);
    expect(concurrentCalls()).toBeGreaterThan(before);
    fn.viClose(rmHandle[0]);
  });

  it('marshals a 64-bit ViAttrState and the full unsigned 32-bit timeout range', async () => {
    const session = await rm.openResource(simulator.socketResource);
    await session.setAttribute('VI_ATTR_TMO_VALUE', 0xfffffffe);
    expect(await session.getAttribute('VI_ATTR_TMO_VALUE')).toBe(0xfffffffe);
    expect(await session.getAttribute('VI_ATTR_TCPIP_PORT')).toBe(simulator.socketPort);
    expect(await session.getAttribute('VI_ATTR_TCPIP_ADDR')).toBe('127.0.0.1');
    expect(await session.getAttribute('VI_ATTR_RSRC_CLASS')).toBe('SOCKET');
    expect(await session.getAttribute('VI_ATTR_SUPPRESS_END_EN')).toBe(true);
  });

  it('closes every session of a resource manager with it', async () => {
    const a = await rm.openResource(simulator.socketResource);
    const b = await rm.openResource(simulator.socketResource);
    await rm.close();
    expect(a.closed && b.closed).toBe(true);
    await expect(a.query('*IDN?')).rejects.toBeInstanceOf(VisaResourceClosedError);
    await expect(rm.findResources()).rejects.toBeInstanceOf(VisaResourceClosedError);
  });

  it('is chosen by openResource when SHOTLINE_VISA_LIBRARY names it', async () => {
    const session = await openResource(simulator.socketResource, {
      env: { [VISA_LIBRARY_ENV]: fakeVisa!.path },
    });
    try {
      expect(session.backend).toBe('library');
      expect(await session.query('*IDN?')).toContain('TEST-METER');
    } finally {
      await session.close();
    }
  });
});
