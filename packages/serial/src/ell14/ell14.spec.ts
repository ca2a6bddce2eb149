import { AbortedError } from '@shotline/core';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SerialDisconnectedError,
  SerialProtocolError,
  SerialTimeoutError,
} from '../errors/serial-errors.js';
import { Ell14Simulator, type Ell14SimulatorOptions } from '../simulator/ell14-simulator.js';
import { MockSerialLink } from '../simulator/mock-serial-link.js';
import { ScriptedInstrument } from '../transport/scripted-instrument.test-helper.js';
import { createEll14, type Ell14Options } from './ell14.js';
import { Ell14StatusError, Ell14WrongDeviceError } from './ell14-errors.js';

const PATH = '/dev/ttyELL';
const simulators: Ell14Simulator[] = [];

function setup(simulatorOptions: Ell14SimulatorOptions = {}, options: Ell14Options = {}) {
  const simulator = new Ell14Simulator(simulatorOptions);
  simulators.push(simulator);
  const link = new MockSerialLink(simulator);
  const mount = createEll14({ path: PATH, openPort: link.openPort, ...options });
  return { simulator, link, mount };
}

afterEach(() => {
  for (const simulator of simulators.splice(0)) simulator.dispose();
  SerialPortMock.binding.reset();
});

describe('Ell14 driver', () => {
  it('reads the identity and the calibration when it opens', async () => {
    const { mount, simulator } = setup({ serialNumber: '11400123', pulsesPerRevolution: 136533 });
    await mount.open();
    expect(mount.info).toMatchObject({
      model: 14,
      serialNumber: '11400123',
      travel: 360,
      pulsesPerRevolution: 136533,
    });
    expect(simulator.commands).toEqual(['0in', '0gs']);
    await mount.close();
  });

  it('moves to an absolute angle with the pulses per revolution the mount reports', async () => {
    const { mount, simulator } = setup({ pulsesPerRevolution: 136533 });
    await mount.open();
    const reported = await mount.moveAbsolute(90);
    expect(simulator.commands.at(-1)).toBe(
      `0ma${Math.round(136533 / 4)
        .toString(16)
        .toUpperCase()
        .padStart(8, '0')}`,
    );
    expect(reported).toBeCloseTo(90, 2);
    expect(await mount.position()).toBeCloseTo(90, 2);
    expect(simulator.positionDegrees).toBeCloseTo(90, 2);
    await mount.close();
  });

  it('brings angles into one turn before moving', async () => {
    const { mount, simulator } = setup();
    await mount.open();
    expect(await mount.moveAbsolute(-90)).toBeCloseTo(270, 6);
    expect(await mount.moveAbsolute(360 + 45)).toBeCloseTo(45, 6);
    expect(simulator.positionDegrees).toBeCloseTo(45, 6);
    await mount.close();
  });

  it('moves relative to the current angle', async () => {
    const { mount } = setup({ initialDegrees: 10 });
    await mount.open();
    expect(await mount.moveRelative(30)).toBeCloseTo(40, 2);
    await mount.close();
  });

  it('homes and reports the home position', async () => {
    const { mount, simulator } = setup({ initialDegrees: 123 });
    await mount.open();
    expect(await mount.home('counterclockwise')).toBe(0);
    expect(simulator.commands.at(-1)).toBe('0ho1');
    await mount.close();
  });

  it('talks to its own bus address and ignores replies from other addresses', async () => {
    const instrument = new ScriptedInstrument((line) => {
      if (line === '3in') return '3IN0E1140059020231700016800023000\r\n';
      if (line === '3gs') return '3GS00\r\n';
      // Another mount on the bus answers first.
      if (line === '3gp') return '1PO00001000\r\n3PO00011800\r\n';
      return undefined;
    });
    const link = new MockSerialLink(instrument);
    const mount = createEll14({ path: PATH, address: 3, openPort: link.openPort });
    await mount.open();
    expect(await mount.position()).toBeCloseTo(180, 6);
    await mount.close();
  });

  it('waits through "busy" statuses until the move is done', async () => {
    const instrument = new ScriptedInstrument((line) => {
      if (line === '0in') return '0IN0E1140059020231700016800023000\r\n';
      if (line === '0gs') return '0GS00\r\n';
      if (line.startsWith('0ma')) return `0GS09\r\n0GS09\r\n0PO${line.slice(3)}\r\n`;
      return undefined;
    });
    const mount = createEll14({ path: PATH, openPort: new MockSerialLink(instrument).openPort });
    await mount.open();
    expect(await mount.moveAbsolute(180)).toBeCloseTo(180, 6);
    await mount.close();
  });

  it('reports an error status as a typed error with its code and meaning', async () => {
    const { mount, simulator } = setup();
    await mount.open();
    simulator.injectFault({ kind: 'status', status: 2 }, 'ma');
    const error = await mount.moveAbsolute(30).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Ell14StatusError);
    expect(error).toMatchObject({
      code: 'ELL14_STATUS',
      status: 2,
      statusName: 'MECHANICAL_TIMEOUT',
      meaning: 'mechanical timeout',
      recoverable: true,
    });
    expect((error as Error).message).toMatch(
      /ELL14 reported status 2 MECHANICAL_TIMEOUT \(mechanical timeout\) for command "0ma00002EAB" \(resource "\/dev\/ttyELL"\)/,
    );
    await mount.close();
  });

  it('refuses to open when the mount reports an error status, and closes the port', async () => {
    const { mount, simulator } = setup();
    simulator.injectFault({ kind: 'status', status: 8 }, 'gs');
    await expect(mount.open()).rejects.toMatchObject({ code: 'ELL14_STATUS', status: 8 });
    expect(mount.isOpen).toBe(false);
  });

  it('refuses an Elliptec device that is not an ELL14', async () => {
    const { mount } = setup({ model: 18 });
    const opening = mount.open();
    await expect(opening).rejects.toBeInstanceOf(Ell14WrongDeviceError);
    await expect(opening).rejects.toThrow(/is an ELL18 \(serial number 11400590\), not an ELL14/);
    expect(mount.isOpen).toBe(false);
  });

  it('fails with a protocol error on garbage instead of a reply', async () => {
    const { mount, simulator } = setup();
    await mount.open();
    simulator.injectFault({ kind: 'garbage', data: '\x00\x13#@!\r\n' }, 'gp');
    const reading = mount.position();
    await expect(reading).rejects.toBeInstanceOf(SerialProtocolError);
    await expect(reading).rejects.toThrow(/malformed ELL14 reply "\\x00\\x13#@!"/);
    expect(await mount.position()).toBe(0);
    await mount.close();
  });

  it('times out on silence with the command in the message', async () => {
    const { mount, simulator } = setup({}, { commandTimeoutMs: 100 });
    await mount.open();
    simulator.injectFault({ kind: 'silence' }, 'gp');
    await expect(mount.position()).rejects.toThrow(SerialTimeoutError);
    simulator.injectFault({ kind: 'partial' }, 'gp');
    await expect(mount.position()).rejects.toThrow(
      /no reply to "0gp" .* received "0PO000" without/,
    );
    await mount.close();
  });

  it('assembles a reply that arrives in pieces', async () => {
    const { mount, simulator } = setup({ initialDegrees: 45 });
    await mount.open();
    simulator.injectFault({ kind: 'split' }, 'gp');
    expect(await mount.position()).toBeCloseTo(45, 6);
    await mount.close();
  });

  it('stops waiting for a move when its signal fires', async () => {
    const { mount, simulator } = setup({
      motion: { kind: 'timed', degreesPerSecond: 1, overheadMs: 0 },
    });
    await mount.open();
    const controller = new AbortController();
    const moving = mount.moveAbsolute(90, { signal: controller.signal });
    await simulator.nextCommand('ma');
    controller.abort();
    await expect(moving).rejects.toBeInstanceOf(AbortedError);
    await mount.close();
  });

  it('reopens with ensureOpen after the port disappeared and came back', async () => {
    const { mount, link, simulator } = setup({ initialDegrees: 15 });
    await mount.open();
    const reading = mount.position();
    link.unplug();
    await expect(reading).rejects.toBeInstanceOf(SerialDisconnectedError);
    expect(mount.isOpen).toBe(false);
    await mount.ensureOpen();
    expect(await mount.position()).toBeCloseTo(15, 2);
    expect(simulator.commands.filter((c) => c === '0in')).toHaveLength(2);
    await mount.close();
  });
});
