import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { QueuedRunJson, SequenceDetail, SequenceSummary } from '../api/api-types.js';
import { useLab, useLabEvents } from '../lab-context.js';
import { ShotRate, formatDuration, type RunProgress } from '../run/shot-rate.js';
import { ErrorBox } from '../ui/error-text.js';
import { ProgressBar, StateBadge } from '../ui/state-badge.js';

const ACTIVE = new Set(['queued', 'running']);

/**
 * The run page: submit a sequence to the queue (resetting one that already ran, if asked), follow
 * its progress live (shots, rate, ETA), interrupt it, see the queue and the stored error summary.
 */
export default function RunPage({ path }: { path: string | undefined }) {
  const { api } = useLab();
  const [, navigate] = useLocation();
  const [sequences, setSequences] = useState<SequenceSummary[]>([]);
  const [detail, setDetail] = useState<SequenceDetail | undefined>();
  const [runs, setRuns] = useState<QueuedRunJson[]>([]);
  const [reset, setReset] = useState(true);
  const [error, setError] = useState<unknown>();
  const [progress, setProgress] = useState<RunProgress | undefined>();
  const rate = useRef(new ShotRate());
  const selected = path ?? '';

  const reload = useCallback(async () => {
    try {
      const [list, queue] = await Promise.all([api.sequences(), api.queue(true)]);
      setSequences(list);
      setRuns(queue.slice(-20).reverse());
      if (selected) {
        const d = await api.sequence(selected);
        setDetail(d);
        setProgress(
          (p) =>
            p ?? {
              stored: d.completedShots,
              expected: d.expectedShots,
              rate: null,
              etaSeconds: null,
            },
        );
      } else setDetail(undefined);
    } catch (e) {
      setError(e);
    }
  }, [api, selected]);
  useEffect(() => {
    rate.current.clear();
    setProgress(undefined);
    void reload();
  }, [reload]);

  useLabEvents(
    (event, at) => {
      if (event.type === 'shot-stored' && event.sequence === selected) {
        rate.current.add(at);
        setProgress(rate.current.progress(event.storedShots, event.expectedShots));
      } else if (event.type === 'sequence-state') {
        if (event.sequence === selected && event.state === 'preparing') {
          rate.current.clear();
          setProgress({ stored: 0, expected: event.expectedShots, rate: null, etaSeconds: null });
        }
        void reload();
      }
    },
    () => void reload(),
  );

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      await reload();
    } catch (e) {
      setError(e);
    }
  };

  const activeRun = useMemo(
    () => runs.find((r) => r.sequence === selected && ACTIVE.has(r.state)),
    [runs, selected],
  );

  return (
    <section className="page run-page">
      <h1>Run</h1>
      <div className="toolbar">
        <label>
          Sequence{' '}
          <select
            name="sequence"
            value={selected}
            onChange={(e) => navigate(`/run/${encodeURIComponent(e.target.value)}`)}
          >
            <option value="">choose…</option>
            {sequences.map((s) => (
              <option key={s.path} value={s.path}>
                {s.path}
              </option>
            ))}
          </select>
        </label>
        <label title="a sequence that already ran is set back to DRAFT first (its shots are erased)">
          <input type="checkbox" checked={reset} onChange={(e) => setReset(e.target.checked)} />{' '}
          reset if it ran
        </label>
        <button
          type="button"
          disabled={!selected || activeRun !== undefined}
          onClick={() => void act(() => api.submit(selected, reset ? { reset: true } : {}))}
        >
          Submit to queue
        </button>
        <button
          type="button"
          className="danger"
          disabled={activeRun === undefined}
          onClick={() =>
            void act(() =>
              activeRun!.state === 'queued'
                ? api.cancel(activeRun!.id)
                : api.interrupt(activeRun!.id),
            )
          }
        >
          {activeRun?.state === 'queued' ? 'Cancel' : 'Interrupt'}
        </button>
        {selected && (
          <Link className="button" href={`/live/${encodeURIComponent(selected)}`}>
            Live view
          </Link>
        )}
      </div>
      <ErrorBox error={error} />
      {detail && (
        <div className="run-status" data-testid="run-status">
          <div>
            <StateBadge state={detail.state} />{' '}
            <ProgressBar
              done={progress?.stored ?? detail.completedShots}
              total={progress?.expected ?? detail.expectedShots}
            />
          </div>
          <dl className="facts">
            <dt>shots</dt>
            <dd data-testid="shots">
              {progress?.stored ?? detail.completedShots} /{' '}
              {progress?.expected ?? detail.expectedShots ?? '?'}
            </dd>
            <dt>rate</dt>
            <dd data-testid="rate">
              {progress?.rate != null ? `${progress.rate.toFixed(1)} shots/s` : '–'}
            </dd>
            <dt>ETA</dt>
            <dd data-testid="eta">
              {detail.state === 'running' && progress?.etaSeconds != null
                ? formatDuration(progress.etaSeconds)
                : '–'}
            </dd>
            <dt>started</dt>
            <dd>{detail.startTime ? new Date(detail.startTime).toLocaleString() : '–'}</dd>
            <dt>stopped</dt>
            <dd>{detail.stopTime ? new Date(detail.stopTime).toLocaleString() : '–'}</dd>
          </dl>
          {detail.error && (
            <div className="error-summary" data-testid="error-summary">
              <h2>Error</h2>
              <p className="error">{detail.error.message}</p>
              {detail.error.code && <p className="muted">code {detail.error.code}</p>}
              {detail.error.cause && <p className="muted">cause: {detail.error.cause.message}</p>}
            </div>
          )}
        </div>
      )}
      <h2>Queue</h2>
      <table className="grid-table queue">
        <thead>
          <tr>
            <th>sequence</th>
            <th>state</th>
            <th>by</th>
            <th>submitted</th>
            <th>error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>{r.sequence}</td>
              <td>
                <StateBadge state={r.state} />
              </td>
              <td>{r.submittedBy}</td>
              <td>{new Date(r.submittedAt).toLocaleTimeString()}</td>
              <td className="error">{r.error?.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
