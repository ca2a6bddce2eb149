import {
  type CellContext,
  type ColumnDef,
  type HeaderContext,
  flexRender,
  getCoreRowModel,
  useReactTable,
} from '@tanstack/react-table';
import { type KeyboardEvent, useMemo, useState } from 'react';
import type { LaneJson, TimeLanesJson } from '../api/api-types.js';
import { type CellErrors, cellKey, durationKey, laneKey } from './cell-errors.js';
import {
  LANE_TYPES,
  addLane,
  cellValue,
  duplicateLane,
  extendLeftBlock,
  insertStep,
  moveLane,
  moveStep,
  removeLane,
  removeStep,
  renameLane,
  setCell,
  setStep,
} from './definition-edits.js';
import { LaneCell } from './lane-cell.js';

/** A text field committed on blur or Enter (step names, durations, lane names). */
function CommitField({
  value,
  onCommit,
  className,
  label,
  error,
  readOnly,
}: {
  value: string;
  onCommit: (value: string) => void;
  className: string;
  label: string;
  error?: string | undefined;
  readOnly: boolean;
}) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setText(value);
  }
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <input
      className={`${className}${error ? ' invalid' : ''}`}
      aria-label={label}
      aria-invalid={error !== undefined}
      title={error}
      value={text}
      readOnly={readOnly}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
    />
  );
}

/** Moves the focus between cells with the arrow keys (up/down always; left/right at a field's ends). */
function navigate(event: KeyboardEvent<HTMLDivElement>): void {
  const target = event.target as HTMLElement;
  const row = target.dataset.row;
  const col = target.dataset.col;
  if (row === undefined || col === undefined) return;
  let r = Number(row);
  let c = Number(col);
  const input = target instanceof HTMLInputElement ? target : undefined;
  switch (event.key) {
    case 'ArrowUp':
      r -= 1;
      break;
    case 'ArrowDown':
      r += 1;
      break;
    case 'ArrowLeft':
      if (input && input.selectionStart !== 0) return;
      c -= 1;
      break;
    case 'ArrowRight':
      if (input && input.selectionEnd !== input.value.length) return;
      c += 1;
      break;
    default:
      return;
  }
  const next = event.currentTarget.querySelector<HTMLElement>(`[data-row="${r}"][data-col="${c}"]`);
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

/** What the grid's cells read: the latest table, its errors and the edit function. */
interface GridMeta {
  readonly table: TimeLanesJson;
  readonly errors: CellErrors;
  readonly readOnly: boolean;
  readonly onEdit: (change: (table: TimeLanesJson) => TimeLanesJson) => void;
}

const stepOf = (columnId: string): number => Number(columnId.slice('step-'.length));

// The cell and header renderers are components defined once: the grid keeps its fields mounted
// (and what is being typed in them) across edits and answers of the check.

function LaneHeadCell({ row, table: grid }: CellContext<LaneJson, unknown>) {
  const { errors, readOnly, onEdit } = grid.options.meta as GridMeta;
  const lane = row.original;
  const index = row.index;
  return (
    <div className="lane-head">
      <CommitField
        className="lane-name"
        label={`name of lane ${lane.name}`}
        value={lane.name}
        readOnly={readOnly}
        error={errors.get(laneKey(lane.name))}
        onCommit={(name) => onEdit((t) => renameLane(t, index, name))}
      />
      <span className="lane-type">{lane.type}</span>
      {!readOnly && (
        <span className="lane-actions">
          <button
            type="button"
            title="move up"
            onClick={() => onEdit((t) => moveLane(t, index, -1))}
          >
            ↑
          </button>
          <button
            type="button"
            title="move down"
            onClick={() => onEdit((t) => moveLane(t, index, 1))}
          >
            ↓
          </button>
          <button
            type="button"
            title="copy this lane"
            onClick={() => onEdit((t) => duplicateLane(t, index, `${lane.name} copy`))}
          >
            copy
          </button>
          <button
            type="button"
            title={`remove lane ${lane.name}`}
            aria-label={`remove lane ${lane.name}`}
            onClick={() => onEdit((t) => removeLane(t, index))}
          >
            ✕
          </button>
        </span>
      )}
    </div>
  );
}

function StepHead({ column, table: grid }: HeaderContext<LaneJson, unknown>) {
  const { table, errors, readOnly, onEdit } = grid.options.meta as GridMeta;
  const step = stepOf(column.id);
  const name = table.stepNames[step] ?? '';
  return (
    <div className="step-head" data-step={step}>
      <CommitField
        className="step-name"
        label={`name of step ${step}`}
        value={name}
        readOnly={readOnly}
        onCommit={(text) => onEdit((t) => setStep(t, step, { name: text }))}
      />
      <CommitField
        className="step-duration"
        label={`duration of step ${step}`}
        value={table.stepDurations[step] ?? ''}
        readOnly={readOnly}
        error={errors.get(durationKey(step))}
        onCommit={(text) => onEdit((t) => setStep(t, step, { duration: text }))}
      />
      {errors.get(durationKey(step)) && (
        <span className="cell-error">{errors.get(durationKey(step))}</span>
      )}
      {!readOnly && (
        <span className="step-actions">
          <button
            type="button"
            title="move left"
            onClick={() => onEdit((t) => moveStep(t, step, -1))}
          >
            ←
          </button>
          <button
            type="button"
            title="insert a copy of this step after it"
            onClick={() =>
              onEdit((t) =>
                insertStep(t, step + 1, `${name} copy`, t.stepDurations[step] ?? '0 s', step),
              )
            }
          >
            copy
          </button>
          <button
            type="button"
            title={`remove step ${name}`}
            aria-label={`remove step ${step}`}
            onClick={() => onEdit((t) => removeStep(t, step))}
          >
            ✕
          </button>
          <button
            type="button"
            title="move right"
            onClick={() => onEdit((t) => moveStep(t, step, 1))}
          >
            →
          </button>
        </span>
      )}
    </div>
  );
}

function StepCell({ row, column, table: grid }: CellContext<LaneJson, unknown>) {
  const { errors, readOnly, onEdit } = grid.options.meta as GridMeta;
  const step = stepOf(column.id);
  const lane = row.original;
  const error = errors.get(cellKey(lane.name, step));
  return (
    <div className="cell-wrap">
      <LaneCell
        lane={lane}
        value={cellValue(lane, step)}
        row={row.index}
        column={step}
        error={error}
        readOnly={readOnly}
        onChange={(value) => onEdit((t) => setCell(t, row.index, step, value))}
      />
      {!readOnly && step > 0 && (
        <button
          type="button"
          className="stretch"
          title="make this cell part of the block on its left (stretch a ramp or value)"
          onClick={() => onEdit((t) => extendLeftBlock(t, row.index, step))}
        >
          ⇠
        </button>
      )}
      {error && <span className="cell-error">{error}</span>}
    </div>
  );
}

function LaneCorner() {
  return <span className="muted">lane \ step</span>;
}

/**
 * The time-lanes grid: steps as columns (name and duration expression), lanes as rows (a cell per
 * step); TanStack Table lays out the grid, each cell edits its lane's value. Every edit is a
 * function of the table given to `onEdit` (the editor keeps the history, checks and saves).
 */
export function LanesGrid({
  table,
  errors,
  readOnly,
  onEdit,
}: {
  table: TimeLanesJson;
  errors: CellErrors;
  readOnly: boolean;
  /** Applies an edit to the latest table (never to the one this render saw). */
  onEdit: (change: (table: TimeLanesJson) => TimeLanesJson) => void;
}) {
  const [newLane, setNewLane] = useState({ name: '', type: 'digital' });
  const steps = table.stepNames.length;
  const columns = useMemo<ColumnDef<LaneJson>[]>(
    () => [
      { id: 'lane', header: LaneCorner, cell: LaneHeadCell },
      ...Array.from({ length: steps }, (_, step) => ({
        id: `step-${step}`,
        header: StepHead,
        cell: StepCell,
      })),
    ],
    [steps],
  );
  const meta: GridMeta = { table, errors, readOnly, onEdit };

  const grid = useReactTable({
    data: table.lanes,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (lane, index) => `${index}`,
    meta,
  });

  return (
    <div className="lanes-grid">
      <div className="grid-scroll" onKeyDown={navigate} role="grid" aria-label="time lanes">
        <table>
          <thead>
            {grid.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => (
                  <th key={header.id}>
                    {flexRender(header.column.columnDef.header, header.getContext())}
                  </th>
                ))}
              </tr>
            ))}
          </thead>
          <tbody>
            {grid.getRowModel().rows.map((row) => (
              <tr key={row.id} data-lane={row.original.name}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!readOnly && (
        <div className="toolbar">
          <button
            type="button"
            onClick={() => onEdit((t) => insertStep(t, steps, `step ${steps}`, '1 ms'))}
          >
            Add step
          </button>
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (newLane.name.trim() === '') return;
              onEdit((t) => addLane(t, newLane.name.trim(), newLane.type));
              setNewLane({ ...newLane, name: '' });
            }}
          >
            <input
              aria-label="new lane name"
              placeholder="new lane name"
              value={newLane.name}
              onChange={(e) => setNewLane({ ...newLane, name: e.target.value })}
            />
            <select
              aria-label="new lane type"
              value={newLane.type}
              onChange={(e) => setNewLane({ ...newLane, type: e.target.value })}
            >
              {LANE_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <button type="submit">Add lane</button>
          </form>
        </div>
      )}
    </div>
  );
}
