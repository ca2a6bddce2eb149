import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import type { SequenceSummary, ShotArray } from '../api/api-types.js';
import { useLab, useLabEvents } from '../lab-context.js';
import { LatestOnly } from '../live/latest-only.js';
import { PictureView } from '../live/picture-view.js';
import { ScanPlot } from '../live/scan-plot.js';
import {
  type ShotRow,
  displayValue,
  numericColumns,
  plotPoints,
  rowFromShot,
  rowsFromTable,
  scanColumn,
  withRow,
} from '../live/shot-rows.js';
import { ErrorBox } from '../ui/error-text.js';

interface Pictures {
  readonly shot: number;
  readonly arrays: Record<string, ShotArray>;
}

const TABLE_ROWS = 50;

/**
 * The live view of a sequence: the latest picture of each camera, a scalar plotted against a scan
 * variable with one point per shot, and the table of shots (click a row to see its pictures). It
 * follows the shots as the server stores them.
 */
export default function LivePage({ path }: { path: string | undefined }) {
  const { api } = useLab();
  const [, navigate] = useLocation();
  const [sequences, setSequences] = useState<SequenceSummary[]>([]);
  const [rows, setRows] = useState<ShotRow[]>([]);
  const [pictures, setPictures] = useState<Pictures | undefined>();
  const [x, setX] = useState<string>('');
  const [xChosen, setXChosen] = useState(false);
  const [y, setY] = useState<string>('');
  const [error, setError] = useState<unknown>();
  const selected = path ?? '';

  const loader = useMemo(
    () =>
      new LatestOnly<{ sequence: string; index: number; row: boolean }>(
        async ({ sequence, index, row }) => {
          try {
            const shot = await api.shot(sequence, index);
            if (row) setRows((r) => withRow(r, rowFromShot(shot)));
            const arrays: Record<string, ShotArray> = {};
            for (const a of shot.arrays.filter((a) => a.shape.length === 2)) {
              arrays[a.label] = await api.shotArray(sequence, index, a.label);
            }
            setPictures({ shot: index, arrays });
          } catch (e) {
            setError(e);
          }
        },
      ),
    [api],
  );
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const reload = useCallback(async () => {
    setError(undefined);
    try {
      setSequences(await api.sequences());
      if (!selected) return;
      const table = await api.shotTable(selected);
      const loaded = rowsFromTable(table);
      setRows(loaded);
      const last = loaded[loaded.length - 1];
      if (last) loader.request({ sequence: selected, index: last.index, row: false });
      else setPictures(undefined);
    } catch (e) {
      setError(e);
    }
  }, [api, selected, loader]);
  useEffect(() => {
    setRows([]);
    setPictures(undefined);
    void reload();
  }, [reload]);

  useLabEvents(
    (event) => {
      if (event.type === 'shot-stored' && event.sequence === selectedRef.current) {
        loader.request({ sequence: event.sequence, index: event.index, row: true });
      } else if (event.type === 'sequence-state' && event.sequence === selectedRef.current) {
        if (event.state === 'preparing') {
          setRows([]);
          setPictures(undefined);
        }
      }
    },
    () => void reload(),
  );

  const columns = useMemo(() => numericColumns(rows), [rows]);
  const allColumns = useMemo(() => {
    const names = new Set<string>();
    for (const r of rows.slice(-TABLE_ROWS)) for (const k of Object.keys(r.values)) names.add(k);
    return [...names];
  }, [rows]);
  useEffect(() => {
    if (columns.length === 0) return;
    // Until the user chooses, x follows the first scan variable (a column whose values vary).
    if (!xChosen || (x !== 'shot' && !columns.includes(x))) setX(scanColumn(rows, columns)!);
    if (!y || !columns.includes(y)) setY(columns[columns.length - 1]!);
  }, [columns, rows, x, y, xChosen]);
  const points = useMemo(
    () => (x && y ? plotPoints(rows, x, y) : ([[], []] as [number[], number[]])),
    [rows, x, y],
  );

  return (
    <section className="page live-page">
      <h1>Live shots</h1>
      <div className="toolbar">
        <label>
          Sequence{' '}
          <select
            name="sequence"
            value={selected}
            onChange={(e) => navigate(`/live/${encodeURIComponent(e.target.value)}`)}
          >
            <option value="">choose…</option>
            {sequences.map((s) => (
              <option key={s.path} value={s.path}>
                {s.path}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="shot-count">
          {rows.length} shots
        </span>
      </div>
      <ErrorBox error={error} />
      <div className="live-grid">
        <div className="pictures">
          {pictures && Object.keys(pictures.arrays).length > 0 ? (
            Object.entries(pictures.arrays).map(([label, picture]) => (
              <PictureView key={label} label={label} picture={picture} shot={pictures.shot} />
            ))
          ) : (
            <p className="muted">No picture yet.</p>
          )}
        </div>
        <div className="plot">
          <div className="toolbar">
            <label>
              x{' '}
              <select
                name="x"
                value={x}
                onChange={(e) => {
                  setXChosen(true);
                  setX(e.target.value);
                }}
              >
                <option value="shot">shot index</option>
                {columns.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
            <label>
              y{' '}
              <select name="y" value={y} onChange={(e) => setY(e.target.value)}>
                {columns.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </label>
          </div>
          {x && y && <ScanPlot x={x} y={y} points={points} />}
        </div>
      </div>
      <h2>Shots</h2>
      <div className="table-scroll">
        <table className="grid-table shots" data-testid="shots-table">
          <thead>
            <tr>
              <th>shot</th>
              {allColumns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows
              .slice(-TABLE_ROWS)
              .reverse()
              .map((r) => (
                <tr
                  key={r.index}
                  className={pictures?.shot === r.index ? 'selected' : ''}
                  onClick={() => loader.request({ sequence: selected, index: r.index, row: false })}
                >
                  <td>{r.index}</td>
                  {allColumns.map((c) => (
                    <td key={c}>{displayValue(r.values[c])}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
