import { AbortedError } from '@shotline/core';
import { RecordingShot, testSequenceContext } from '@shotline/testing';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialDisconnectedError } from '../errors/serial-errors.js';
import { Ell14Simulator, type Ell14SimulatorOptions } from '../simulator/ell14-simulator.js';
import { MockSerialLink } from '../simulator/mock-serial-link.js';
import { Ell14Device } from './ell14-device.js';
import { Ell14PositionError, Ell14StatusError } from './ell14-errors.js';
import { ELL14_DEVICE_TYPE, createEll14Extension } from './ell14-extension.js';

const simulators: Ell14Simulator[] = [];

function setup(simulatorOptions: Ell14SimulatorOptions = {}, toleranceDegrees = 0.1) {
  const simulator = new Ell14Simulator(simulatorOptions);
  simulators.push(simulator);
  const link = new MockSerialLink(simulator);
  const extension = createEll14Extension({ openPort: link.openPort });
  const device = extension.createDevice('waveplate', {
    port: '/dev/ttyWAVE',
    baudRate: 9600,
    address: 0,
    toleranceDegrees,
    moveTimeoutMs: 5000,
    homeOnOpen: false,
  });
  return {
    simulator,
    link,
    extension,
    device,
    controller: extension.createController('waveplate'),
  };
}

afterEach(() => {
  for (const simulator of simulators.splice(0)) simulator.dispose();
  SerialPortMock.binding.reset();
});

describe('ELL14 device and controller', () => {
  it('registers under its stable type tag and declares the position data label', () => {
    const { extension } = setup();
    expect(extension.type).toBe(ELL14_DEVICE_TYPE);
    expect(ELL14_DEVICE_TYPE).toBe('shotline.serial.ell14');
    expect(
      extension.dataLabels?.('waveplate', extension.defaultConfiguration(), testSequenceContext()),
    ).toEqual(['waveplate\\position']);
  });

  it('moves before the barrier, then publishes the measured angle', async () => {
    const { device, controller, simulator } = setup();
    await device.open();
    const shot = new RecordingShot({ deviceName: 'waveplate', index: 2 });
    await controller.runShot(device, { angleDegrees: 67.5 }, shot);
    expect(shot.events).toEqual([
      'ell14 move on /dev/ttyWAVE',
      'barrier',
      'data waveplate\\position',
    ]);
    expect(shot.data.get('waveplate\\position')).toBeCloseTo(67.5, 2);
    expect(simulator.positionDegrees).toBeCloseTo(67.5, 2);
    expect(simulator.commands.slice(2)).toEqual(['0gp', '0ma00006900', '0gp']);
    await device.close();
  });

  it('does not move a mount that is already at the angle', async () => {
    const { device, controller, simulator } = setup({ initialDegrees: 120 });
    await device.open();
    const shot = new RecordingShot({ deviceName: 'waveplate' });
    await controller.runShot(device, { angleDegrees: 120.001 }, shot);
    expect(simulator.commands.slice(2)).toEqual(['0gp']);
    expect(shot.events).toEqual(['barrier', 'data waveplate\\position']);
    await device.close();
  });

  it('fails before the barrier when the mount ends outside the tolerance', async () => {
    const { device, controller, simulator } = setup({}, 0.1);
    await device.open();
    simulator.injectFault({ kind: 'slip', degrees: 0.5 }, 'ma');
    const shot = new RecordingShot({ deviceName: 'waveplate', index: 5 });
    const run = controller.runShot(device, { angleDegrees: 10 }, shot);
    await expect(run).rejects.toBeInstanceOf(Ell14PositionError);
    await expect(run).rejects.toThrow(
      /ELL14 is at 10\.49\d+° after a move to 10\.0000° \(off by 0\.49\d+°, tolerance 0\.1°\) \(shot 5, device "waveplate", resource "\/dev\/ttyWAVE"\)/,
    );
    expect(shot.events).not.toContain('barrier');
    await device.close();
  });

  it('reports an error status of the move with the device and the shot', async () => {
    const { device, controller, simulator } = setup();
    await device.open();
    simulator.injectFault({ kind: 'status', status: 11 }, 'ma');
    const run = controller.runShot(
      device,
      { angleDegrees: 200 },
      new RecordingShot({ deviceName: 'waveplate', index: 1 }),
    );
    await expect(run).rejects.toBeInstanceOf(Ell14StatusError);
    await expect(run).rejects.toThrow(
      /status 11 MOTOR_ERROR \(motor error\).*shot 1, device "waveplate"/,
    );
    await device.close();
  });

  it('stops when the shot is aborted', async () => {
    const { device, controller, simulator } = setup({
      motion: { kind: 'timed', degreesPerSecond: 1, overheadMs: 0 },
    });
    await device.open();
    const shot = new RecordingShot({ deviceName: 'waveplate' });
    const run = controller.runShot(device, { angleDegrees: 90 }, shot);
    await simulator.nextCommand('ma');
    shot.abort();
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    await device.close();
  });

  it('reopens the port for the next shot once a vanished adapter is back', async () => {
    const { device, controller, link } = setup();
    await device.open();
    link.unplug();
    await new Promise((resolve) => setImmediate(resolve));
    expect(device.mount.isOpen).toBe(false);
    const shot = new RecordingShot({ deviceName: 'waveplate' });
    await controller.runShot(device, { angleDegrees: 30 }, shot);
    expect(shot.data.get('waveplate\\position')).toBeCloseTo(30, 2);
    await device.close();
  });

  it('names the device when opening fails, and closes idempotently', async () => {
    const { device } = setup({ model: 8 });
    await expect(device.open()).rejects.toThrow(/not an ELL14 .*device "waveplate"/);
    await device.close();
    await device.close();
    expect(device.mount.isOpen).toBe(false);
  });

  it('homes on open when configured', async () => {
    const simulator = new Ell14Simulator({ initialDegrees: 99 });
    simulators.push(simulator);
    const device = new Ell14Device(
      'waveplate',
      {
        port: '/dev/ttyWAVE',
        baudRate: 9600,
        address: 0,
        toleranceDegrees: 0.1,
        moveTimeoutMs: 5000,
        homeOnOpen: true,
      },
      new MockSerialLink(simulator).openPort,
    );
    await device.open();
    expect(simulator.commands).toEqual(['0in', '0gs', '0ho0']);
    expect(simulator.positionDegrees).toBe(0);
    await device.close();
  });

  it('fails a shot whose port disappeared and is still gone', async () => {
    const { device, controller, link } = setup();
    await device.open();
    const shot = new RecordingShot({ deviceName: 'waveplate' });
    const run = controller.runShot(device, { angleDegrees: 45 }, shot);
    link.unplug();
    await expect(run).rejects.toBeInstanceOf(SerialDisconnectedError);
    await device.close();
  });
});
