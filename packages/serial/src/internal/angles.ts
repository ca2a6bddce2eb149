/** The smallest difference between two angles in degrees, in [0, 180]. */
export function angularDistance(a: number, b: number): number {
  const d = (((a - b) % 360) + 360) % 360;
  return Math.min(d, 360 - d);
}

/** The angle brought into [0, 360) degrees. */
export function normalizeDegrees(degrees: number): number {
  const d = degrees % 360;
  const n = d < 0 ? d + 360 : d;
  return n === 360 ? 0 : n;
}
