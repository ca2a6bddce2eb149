/**
 * NI-DAQmx constants the NI 6738 driver passes (values of NIDAQmx.h, also used by NI's own
 * nidaqmx-python).
 */
export const DAQMX = Object.freeze({
  /** `DAQmx_Val_Volts`: channel units. */
  volts: 10348,
  /** `DAQmx_Val_Rising`: sample on the rising edge of the clock. */
  rising: 10280,
  /** `DAQmx_Val_Falling`: sample on the falling edge of the clock. */
  falling: 10171,
  /** `DAQmx_Val_FiniteSamps`: generate a fixed number of samples, then stop. */
  finiteSamples: 10178,
  /** `DAQmx_Val_GroupByChannel`: the buffer holds all samples of channel 0, then channel 1... */
  groupByChannel: 0,
});

/** The NI-DAQmx edge constant of a clock edge. */
export function daqmxEdge(edge: 'rising' | 'falling'): number {
  return edge === 'rising' ? DAQMX.rising : DAQMX.falling;
}
