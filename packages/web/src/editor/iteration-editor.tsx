import type { IterationStepJson } from '../api/api-types.js';
import { type CellErrors, iterationKey } from './cell-errors.js';
import {
  NEW_STEPS,
  type StepPath,
  insertIterationStep,
  isLoop,
  moveIterationStep,
  removeIterationStep,
  updateStep,
  stepPathLabel,
} from './iteration-edits.js';

type Props = {
  steps: IterationStepJson[];
  errors: CellErrors;
  readOnly: boolean;
  /** Applies an edit to the latest steps (never to those this render saw). */
  onEdit: (change: (steps: IterationStepJson[]) => IterationStepJson[]) => void;
};

function Field({
  label,
  value,
  onChange,
  readOnly,
  width = 8,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  width?: number;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        aria-label={label}
        value={value}
        readOnly={readOnly}
        size={width}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

function AddButtons({ path, props }: { path: StepPath; props: Props }) {
  if (props.readOnly) return null;
  return (
    <span className="add-steps">
      add:
      {(Object.keys(NEW_STEPS) as (keyof typeof NEW_STEPS)[]).map((kind) => (
        <button
          key={kind}
          type="button"
          onClick={() => props.onEdit((s) => insertIterationStep(s, path, NEW_STEPS[kind]()))}
        >
          {kind}
        </button>
      ))}
    </span>
  );
}

function StepNode({
  step,
  path,
  props,
}: {
  step: IterationStepJson;
  path: StepPath;
  props: Props;
}) {
  const error = props.errors.get(iterationKey(stepPathLabel(path)));
  // Each field changes the latest version of its step (never the one this render saw).
  const set = <S extends IterationStepJson>(change: (current: S) => S) =>
    props.onEdit((s) => updateStep(s, path, (current) => change(current as S)));
  const ro = props.readOnly;
  return (
    <li className={`iteration-step${error ? ' invalid' : ''}`} data-step={stepPathLabel(path)}>
      <div className="step-line">
        <span className="step-kind">{step.kind}</span>
        {step.kind === 'declare' && (
          <>
            <Field
              label="variable"
              value={step.variable}
              readOnly={ro}
              onChange={(v) => set<typeof step>((c) => ({ ...c, variable: v }))}
            />
            <span>=</span>
            <Field
              label="value"
              value={step.value}
              readOnly={ro}
              width={14}
              onChange={(v) => set<typeof step>((c) => ({ ...c, value: v }))}
            />
          </>
        )}
        {(step.kind === 'linspace' || step.kind === 'arange') && (
          <>
            <Field
              label="variable"
              value={step.variable}
              readOnly={ro}
              onChange={(v) => set<typeof step>((c) => ({ ...c, variable: v }))}
            />
            <Field
              label="start"
              value={step.start}
              readOnly={ro}
              onChange={(v) => set<typeof step>((c) => ({ ...c, start: v }))}
            />
            <Field
              label="stop"
              value={step.stop}
              readOnly={ro}
              onChange={(v) => set<typeof step>((c) => ({ ...c, stop: v }))}
            />
            {step.kind === 'linspace' ? (
              <Field
                label="num"
                value={String(step.num)}
                readOnly={ro}
                width={4}
                onChange={(v) =>
                  set<typeof step>((c) => ({ ...c, num: Math.max(0, Math.floor(Number(v) || 0)) }))
                }
              />
            ) : (
              <Field
                label="step"
                value={step.step}
                readOnly={ro}
                onChange={(v) => set<typeof step>((c) => ({ ...c, step: v }))}
              />
            )}
          </>
        )}
        {isLoop(step) && (
          <label className="field">
            <input
              type="checkbox"
              disabled={ro}
              checked={step.shuffle !== undefined}
              onChange={(e) => {
                const checked = e.target.checked;
                set<typeof step>((c) => {
                  const { shuffle: _shuffle, ...rest } = c;
                  return checked ? { ...rest, shuffle: { seed: 1 } } : rest;
                });
              }}
            />
            <span>shuffle</span>
          </label>
        )}
        {!ro && (
          <span className="step-actions">
            <button
              type="button"
              title="move up"
              onClick={() => props.onEdit((s) => moveIterationStep(s, path, -1))}
            >
              ↑
            </button>
            <button
              type="button"
              title="move down"
              onClick={() => props.onEdit((s) => moveIterationStep(s, path, 1))}
            >
              ↓
            </button>
            <button
              type="button"
              title="remove"
              onClick={() => props.onEdit((s) => removeIterationStep(s, path))}
            >
              ✕
            </button>
          </span>
        )}
      </div>
      {error && <div className="cell-error">{error}</div>}
      {isLoop(step) && (
        <ul>
          {step.steps.map((child, i) => (
            <StepNode key={i} step={child} path={[...path, i]} props={props} />
          ))}
          <li>
            <AddButtons path={[...path, step.steps.length]} props={props} />
          </li>
        </ul>
      )}
    </li>
  );
}

/** The iteration tree: variables, loops (linspace, arange; zip shown as it is) and shots. */
export function IterationEditor(props: Props) {
  return (
    <ul className="iteration-tree">
      {props.steps.map((step, i) => (
        <StepNode key={i} step={step} path={[i]} props={props} />
      ))}
      <li>
        <AddButtons path={[props.steps.length]} props={props} />
      </li>
    </ul>
  );
}
