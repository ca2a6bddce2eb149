import { useEffect, useState } from 'react';
import type { LaneJson } from '../api/api-types.js';

/** The text of an analog or camera value in its cell (`2 V`, `ramp`, a picture name, empty). */
export function cellText(type: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value === 'ramp') return 'ramp';
  if (typeof value === 'object') {
    const v = value as { expression?: string; picture?: string };
    if (type === 'camera') return v.picture ?? '';
    if (v.expression !== undefined) return v.expression;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The value of a cell from what was typed. */
export function cellFromText(type: string, text: string): unknown {
  const trimmed = text.trim();
  switch (type) {
    case 'analog':
      return trimmed === 'ramp' ? 'ramp' : { expression: trimmed };
    case 'camera':
      return trimmed === '' ? null : { picture: trimmed };
    case 'digital':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
    default:
      return trimmed;
  }
}

/**
 * One cell of the lanes grid: a digital value toggled with a click (or Space), an analog value as
 * an expression or `ramp`, a camera cell as the picture's name. A value is committed when the
 * field loses focus or on Enter; the error of the server's check is shown on the cell.
 */
export function LaneCell({
  lane,
  value,
  row,
  column,
  error,
  readOnly,
  onChange,
}: {
  lane: LaneJson;
  value: unknown;
  row: number;
  column: number;
  error: string | undefined;
  readOnly: boolean;
  onChange: (value: unknown) => void;
}) {
  const [text, setText] = useState(cellText(lane.type, value));
  useEffect(() => setText(cellText(lane.type, value)), [lane.type, value]);
  const common = {
    'data-row': row,
    'data-col': column,
    'data-lane': lane.name,
    'aria-invalid': error !== undefined,
    title: error,
  };
  if (lane.type === 'digital' && typeof value === 'boolean') {
    return (
      <button
        type="button"
        className={`cell digital ${value ? 'on' : 'off'}${error ? ' invalid' : ''}`}
        disabled={readOnly}
        onClick={() => onChange(!value)}
        aria-pressed={value}
        {...common}
      >
        {value ? 'on' : 'off'}
      </button>
    );
  }
  const commit = () => {
    if (text !== cellText(lane.type, value)) onChange(cellFromText(lane.type, text));
  };
  return (
    <input
      className={`cell ${lane.type}${text === 'ramp' ? ' ramp' : ''}${error ? ' invalid' : ''}`}
      value={text}
      readOnly={
        readOnly || (lane.type !== 'analog' && lane.type !== 'camera' && lane.type !== 'digital')
      }
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
      placeholder={lane.type === 'camera' ? '–' : ''}
      {...common}
    />
  );
}
