import { afterEach, describe, expect, it, vi } from 'vitest';
import { Ell14Simulator, REALISTIC_ELL14_MOTION } from './ell14-simulator.js';

/** Sends command lines to a simulator and collects what it transmits. */
function wire(simulator: Ell14Simulator) {
  const transmitted: string[] = [];
  simulator.onTransmit((data) => transmitted.push(data.toString('latin1')));
  return {
    transmitted,
    send: (line: string) => simulator.receive(Buffer.from(line, 'latin1')),
    output: () => transmitted.join(''),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Ell14Simulator', () => {
  it('answers the identity, status and position commands', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator({ initialDegrees: 90 });
    const line = wire(simulator);
    line.send('0in\r\n0gs\r\n0gp\r\n');
    await vi.runAllTimersAsync();
    expect(line.output()).toBe('0IN0E1140059020231700016800023000\r\n0GS00\r\n0PO00008C00\r\n');
  });

  it('accepts commands split across writes and terminated by CR, LF or both', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator();
    const line = wire(simulator);
    line.send('0g');
    line.send('s\r');
    line.send('0gp\n');
    await vi.runAllTimersAsync();
    expect(simulator.commands).toEqual(['0gs', '0gp']);
    expect(line.output()).toBe('0GS00\r\n0PO00000000\r\n');
  });

  it('ignores commands for other bus addresses', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator({ address: 2 });
    const line = wire(simulator);
    line.send('0gs\r\n2gs\r\n');
    await vi.runAllTimersAsync();
    expect(line.output()).toBe('2GS00\r\n');
  });

  it('answers GS03 to an unknown command and GS04 to a bad move argument', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator();
    const line = wire(simulator);
    line.send('0zz\r\n0maXYZ\r\n');
    await vi.runAllTimersAsync();
    expect(line.output()).toBe('0GS03\r\n0GS04\r\n');
  });

  it('moves absolutely and relatively, wrapping around one turn', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator();
    const line = wire(simulator);
    line.send('0ma00023000\r\n');
    line.send('0mrFFFFF000\r\n');
    await vi.runAllTimersAsync();
    expect(line.transmitted).toEqual(['0PO00000000\r\n', '0PO00022000\r\n']);
    expect(simulator.positionCounts).toBe(0x22000);
  });

  it('takes the time of a realistic move and answers busy meanwhile', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator({ motion: REALISTIC_ELL14_MOTION });
    const line = wire(simulator);
    line.send('0ma00009B8E\r\n'); // 100°: 50 ms + 100/430 s ≈ 282.6 ms
    await vi.advanceTimersByTimeAsync(100);
    line.send('0gs\r\n');
    await vi.advanceTimersByTimeAsync(1);
    expect(line.transmitted).toEqual(['0GS09\r\n']);
    await vi.advanceTimersByTimeAsync(170);
    expect(line.transmitted).toEqual(['0GS09\r\n']);
    await vi.advanceTimersByTimeAsync(20);
    expect(line.transmitted).toEqual(['0GS09\r\n', '0PO00009B8E\r\n']);
    simulator.dispose();
  });

  it('applies an injected fault to the next command of its kind only', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator();
    const line = wire(simulator);
    simulator.injectFault({ kind: 'status', status: 13 }, 'ma');
    line.send('0gs\r\n0ma00001000\r\n0ma00001000\r\n');
    await vi.runAllTimersAsync();
    expect(line.transmitted).toEqual(['0GS00\r\n', '0GS0D\r\n', '0PO00001000\r\n']);
  });

  it('ends a move off target when the mount slips', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator();
    wire(simulator).send('0gs\r\n');
    simulator.injectFault({ kind: 'slip', degrees: 0.5 });
    simulator.receive(Buffer.from('0ma00008C00\r\n'));
    await vi.runAllTimersAsync();
    expect(simulator.positionDegrees).toBeCloseTo(90.5, 2);
  });

  it('sends garbage, half a reply, or a reply in pieces when asked', async () => {
    vi.useFakeTimers();
    const simulator = new Ell14Simulator();
    const line = wire(simulator);
    simulator.injectFault({ kind: 'garbage', data: '\xff\xfe' });
    simulator.injectFault({ kind: 'partial' });
    simulator.injectFault({ kind: 'split' });
    line.send('0gs\r\n0gp\r\n0gs\r\n');
    await vi.runAllTimersAsync();
    expect(line.transmitted).toEqual(['\xff\xfe', '0PO000', '0G', 'S0', '0\r\n']);
  });

  it('announces each command line to listeners before handling it', async () => {
    const simulator = new Ell14Simulator();
    const next = simulator.nextCommand('gp');
    simulator.receive(Buffer.from('0gs\r\n0gp\r\n'));
    await expect(next).resolves.toBe('0gp');
    simulator.dispose();
  });
});
