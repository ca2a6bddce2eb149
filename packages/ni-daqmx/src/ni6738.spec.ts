import { AnalogRamp, AnalogTimeLane } from '@shotline/core';
import { type SequencerTrigger, SequenceNotFinishedError } from '@shotline/sequencer';
import { stepTimeLanes, testSequenceContext, testShotContext } from '@shotline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAQMX } from './daqmx/daqmx-constants.js';
import {
  DaqmxDeviceNotFoundError,
  DaqmxError,
  DaqmxNotAvailableError,
} from './daqmx/daqmx-errors.js';
import { NIDAQMX_LIBRARY_ENV } from './daqmx/daqmx-library.js';
import { FakeDaqmx } from './fake-daqmx.test-helper.js';
import { Ni6738 } from './ni6738.js';
import { Ni6738Compiler } from './ni6738-compiler.js';
import { type Ni6738Configuration, ni6738Configuration } from './ni6738-configuration.js';
import { constant, lane, sameBits, volts } from './ni6738.test-helper.js';

const fake = new FakeDaqmx();

beforeEach(() => fake.reset());
afterEach(() => {
  expect(fake.openTasks(), 'every task is cleared').toBe(0);
});

/** 1 ms at 1 V, a 2 ms ramp to -2 V, 1 ms at -2 V (ao0); ao2 at 0.5 V. */
const LANES = stepTimeLanes(['1 ms', '2 ms', '1 ms'], {
  coil: new AnalogTimeLane([
    ['1 V', 1],
    [new AnalogRamp(), 1],
    ['-2 V', 1],
  ]),
});

function compile(options: Partial<Ni6738Configuration> = {}) {
  const configuration = ni6738Configuration({
    libraryPath: fake.path,
    ...options,
    channels: [
      volts('coil', lane('coil')),
      volts('', constant('0 V')),
      volts('bias', constant('0.5 V')),
    ],
  });
  const sequence = testSequenceContext(LANES);
  const compiler = new Ni6738Compiler('ni', configuration, sequence);
  const shot = testShotContext(sequence, { compilers: { ni: compiler } });
  return { init: compiler.initializationParameters(), parameters: compiler.compileShot(shot) };
}

async function openCard(options: Partial<Ni6738Configuration> = {}) {
  const { init, parameters } = compile(options);
  const card = new Ni6738(init);
  await card.open();
  return { card, parameters };
}

describe('the NI 6738 through NI-DAQmx (compiled fake libnidaqmx)', () => {
  it('opens one task with the 32 voltage channels of the device, ±10 V', async () => {
    const { card } = await openCard();
    try {
      expect(fake.channels()).toEqual({
        channels: Array.from({ length: 32 }, (_, i) => i),
        device: 'Dev1',
        min: -10,
        max: 10,
      });
    } finally {
      await card.close();
    }
    expect(fake.calls()).toEqual([
      'DAQmxCreateTask "shotline ni"',
      'DAQmxCreateAOVoltageChan "Dev1/ao0:31" "" -10 10 10348',
      'DAQmxStopTask',
      'DAQmxClearTask',
    ]);
  });

  it('writes exactly the compiled samples on a finite generation clocked from PFI0, bit for bit', async () => {
    const { card, parameters } = await openCard();
    const { program } = parameters;
    try {
      await card.program(parameters, 0);
      expect(fake.timing()).toEqual({
        source: '/Dev1/PFI0',
        rate: 400_000,
        edge: DAQMX.rising,
        mode: DAQMX.finiteSamples,
        samples: program.samplesPerChannel,
        filter: true,
        filterWidth: 2.5e-6 / 8,
      });
      const written = fake.written(32)!;
      expect(sameBits(written, program.samples)).toBe(true);
      // 1 sample at 1 V, the ramp sampled every 2.5 µs (800 samples), 1 sample at -2 V
      const n = program.samplesPerChannel;
      expect(n).toBe(802);
      expect(written[0]).toBe(1);
      expect(written[1]).toBe(1);
      expect(written[800]).toBe(1 - (799 * 3) / 800);
      expect(written[n - 1]).toBe(-2);
      expect(written[2 * n]).toBe(0.5);
      expect(written[3 * n - 1]).toBe(0.5);
      expect(written[32 * n - 1]).toBe(0);
    } finally {
      await card.close();
    }
  });

  it('samples on the falling edge and on every tick when configured so', async () => {
    const trigger: SequencerTrigger = { type: 'externalClock', edge: 'falling' };
    const { card, parameters } = await openCard({
      trigger,
      clockTerminal: 'PFI7',
      timeStep: '5000',
    });
    try {
      await card.program(parameters, 0);
      expect(fake.timing()).toMatchObject({
        source: '/Dev1/PFI7',
        rate: 200_000,
        edge: DAQMX.falling,
        samples: 800,
        filterWidth: 5e-6 / 8,
      });
      expect(sameBits(fake.written(32)!, parameters.program.samples)).toBe(true);
    } finally {
      await card.close();
    }
  });

  it('starts, waits until NI-DAQmx reports the generation done, then stops', async () => {
    const { card, parameters } = await openCard();
    const started = performance.now();
    try {
      await card.program(parameters, 0);
      const run = await card.run();
      await run.finished(new AbortController().signal);
      // 802 samples at 400 kS/s: the fake is done after 2 ms
      expect(performance.now() - started).toBeGreaterThanOrEqual(1.9);
      await run.stop();
    } finally {
      await card.close();
    }
    expect(fake.calls()).toEqual([
      'DAQmxCreateTask "shotline ni"',
      'DAQmxCreateAOVoltageChan "Dev1/ao0:31" "" -10 10 10348',
      'DAQmxCfgSampClkTiming "/Dev1/PFI0" 400000 10280 10178 802',
      'DAQmxSetSampClkDigFltrEnable 1',
      'DAQmxSetSampClkDigFltrMinPulseWidth 3.1250000000000003e-07',
      'DAQmxWriteAnalogF64 802 0 10 0',
      'DAQmxStartTask',
      'DAQmxWaitUntilTaskDone 0',
      'DAQmxStopTask',
      'DAQmxStopTask',
      'DAQmxClearTask',
    ]);
  });

  it('stops the generation when the shot is aborted, and refuses to stop early without an error', async () => {
    fake.setTimeScale(1000);
    const { card, parameters } = await openCard();
    try {
      await card.program(parameters, 0);
      const run = await card.run();
      const abort = new AbortController();
      setTimeout(() => abort.abort(new Error('the camera failed')), 5);
      await expect(run.finished(abort.signal)).rejects.toThrow('the camera failed');
      await run.stop(new Error('the camera failed'));
      await card.program(parameters, 1);
      const early = await card.run();
      await expect(early.stop()).rejects.toBeInstanceOf(SequenceNotFinishedError);
    } finally {
      await card.close();
    }
    expect(fake.calls().filter((c) => c === 'DAQmxStopTask')).toHaveLength(3);
  });

  it('turns an NI-DAQmx error into a DaqmxError with the code, NI message and device', async () => {
    const { card, parameters } = await openCard();
    try {
      await card.program(parameters, 0);
      fake.injectError('DAQmxStartTask', -50103);
      const error = (await card.run().catch((e: unknown) => e)) as DaqmxError;
      expect(error).toBeInstanceOf(DaqmxError);
      expect(error.daqmxCode).toBe(-50103);
      expect(error.daqmxName).toBe('ResourceReserved');
      expect(error.daqmxFunction).toBe('DAQmxStartTask');
      expect(error.recoverable).toBe(true);
      expect(error.message).toBe(
        'NI-DAQmx DAQmxStartTask failed with error -50103: Injected failure of DAQmxStartTask.; ' +
          'Task Name: shotline ni (device "ni")',
      );
    } finally {
      await card.close();
    }
  });

  it("names the channel NI's message names, by its configured description", async () => {
    const { card, parameters } = await openCard();
    const samples = parameters.program.samples.slice();
    samples[2 * parameters.program.samplesPerChannel + 5] = 12; // ao2, past the compiler's checks
    try {
      await expect(
        card.program({ ...parameters, program: { ...parameters.program, samples } }, 3),
      ).rejects.toThrow(
        /DAQmxWriteAnalogF64 failed with error -200561: Attempted writing analog data that is too large or too small\.; Channel Name: Dev1\/ao2; Sample Index: 5; Value: 12.*\(device "ni", channel "bias"\)/,
      );
    } finally {
      await card.close();
    }
  });

  it('reports a generation that fails while playing', async () => {
    const { card, parameters } = await openCard();
    try {
      await card.program(parameters, 0);
      fake.injectError('generation', -200018);
      const run = await card.run();
      const error = (await run
        .finished(new AbortController().signal)
        .catch((e: unknown) => e)) as DaqmxError;
      expect(error).toBeInstanceOf(DaqmxError);
      expect(error.daqmxCode).toBe(-200018);
      expect(error.message).toMatch(
        /DAQmxIsTaskDone failed with error -200018: DAC conversion attempted/,
      );
      await run.stop(error);
    } finally {
      await card.close();
    }
  });

  it('refuses a device NI-DAQmx does not have, listing the ones it has', async () => {
    fake.setDevices('Dev1=NI PCIe-6738;Dev2=NI USB-6009');
    const { init } = compile({ deviceId: 'Dev3' });
    const card = new Ni6738(init);
    await expect(card.open()).rejects.toThrow(
      /NI-DAQmx has no device "Dev3" \(it sees "Dev1", "Dev2"\): set "deviceId" to the name NI MAX or `nilsdev` shows/,
    );
    await card.close();
    const other = new Ni6738(compile({ deviceId: 'Dev2' }).init);
    const error = await other.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaqmxDeviceNotFoundError);
    expect((error as Error).message).toMatch(/"Dev2" is an NI USB-6009, not an NI 6738/);
    await other.close();
  });

  it('refuses a missing library, naming the package to install', async () => {
    const card = new Ni6738(compile({ libraryPath: '/nonexistent/libnidaqmx.so' }).init);
    const error = await card.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DaqmxNotAvailableError);
    expect((error as Error).message).toMatch(
      /cannot load NI-DAQmx \(\/nonexistent\/libnidaqmx.so: .*\): install NI-DAQmx for Linux \(the "ni-daqmx" package/,
    );
    await card.close();
  });

  it('refuses a library that is not NI-DAQmx, or too old', async () => {
    const notDaqmx = new Ni6738(compile({ libraryPath: 'libm.so.6' }).init);
    await expect(notDaqmx.open()).rejects.toThrow(
      /"libm.so.6" has no DAQmxGetSysNIDAQMajorVersion/,
    );
    await notDaqmx.close();
    fake.setVersion(18, 1);
    const old = new Ni6738(compile().init);
    await expect(old.open()).rejects.toThrow(
      /is NI-DAQmx 18.1, older than the 20.0 this driver needs/,
    );
    await old.close();
  });

  it(`finds the library through ${NIDAQMX_LIBRARY_ENV} when the configuration names none`, async () => {
    const saved = process.env[NIDAQMX_LIBRARY_ENV];
    process.env[NIDAQMX_LIBRARY_ENV] = fake.path;
    try {
      const { init } = compile({});
      const card = new Ni6738({ ...init, libraryPath: undefined });
      await card.open();
      await card.close();
      expect(fake.calls()[0]).toBe('DAQmxCreateTask "shotline ni"');
    } finally {
      if (saved === undefined) delete process.env[NIDAQMX_LIBRARY_ENV];
      else process.env[NIDAQMX_LIBRARY_ENV] = saved;
    }
  });

  it('clears the task when opening fails half-way', async () => {
    fake.injectError('DAQmxCreateAOVoltageChan', -200170);
    const card = new Ni6738(compile().init);
    await expect(card.open()).rejects.toBeInstanceOf(DaqmxError);
    await card.close();
    expect(fake.calls().slice(-1)).toEqual(['DAQmxClearTask']);
  });
});
