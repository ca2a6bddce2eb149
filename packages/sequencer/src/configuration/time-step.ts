import { parseTimeStep } from '@shotline/core';
import { z } from 'zod';

/**
 * A sequencer time step: nanoseconds as decimal text with picosecond resolution (`"50"`, `"2.5"`,
 * `"1.230"`). Text, not a number, so the stored value is exact; the compiler reads it with
 * {@link timeStepPicoseconds}.
 */
export const timeStepSchema = z.string().superRefine((text, ctx) => {
  try {
    parseTimeStep(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
  }
});

/** The time step in integer picoseconds (`"2.5"` is 2500). */
export function timeStepPicoseconds(timeStep: string): number {
  return parseTimeStep(timeStep);
}

/** Picoseconds as the nanosecond text of a time step (2500 is `"2.5"`). */
export function formatTimeStep(picoseconds: number): string {
  const ns = Math.trunc(picoseconds / 1000);
  const ps = picoseconds % 1000;
  return ps === 0 ? String(ns) : `${ns}.${String(ps).padStart(3, '0').replace(/0+$/, '')}`;
}
