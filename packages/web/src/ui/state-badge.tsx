/** A sequence's state as a coloured badge (`draft`, `running`, `finished`, `crashed`...). */
export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge-${state}`} data-state={state}>
      {state}
    </span>
  );
}

/** A progress bar with `done / total` (total unknown: only the count). */
export function ProgressBar({ done, total }: { done: number; total: number | null }) {
  const fraction = total && total > 0 ? Math.min(1, done / total) : null;
  return (
    <span
      className="progress"
      title={total === null ? `${done} shots` : `${done} of ${total} shots`}
    >
      <span className="progress-track">
        <span className="progress-fill" style={{ width: `${(fraction ?? 0) * 100}%` }} />
      </span>
      <span className="progress-text">
        {done}/{total ?? '?'}
      </span>
    </span>
  );
}
