import type { IterationStepJson } from '../api/api-types.js';
import { type CellErrors, iterationKey } from './cell-errors.js';
import {
  NEW_STEPS,
  type StepPath,
  insertIterationStep,
  isLoop,
  moveIterationStep,
  removeIterationStep,
  replaceStep,
  stepPathLabel,
} from './iteration-edits.js';

type Props = {
  steps: IterationStepJson[];
  errors: CellErrors;
  readOnly: boolean;
  onChange: (steps: IterationStepJson[]) => void;
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
          onClick={() => props.onChange(insertIterationStep(props.steps, path, NEW_STEPS[kind]()))}
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
  const set = (next: IterationStepJson) => props.onChange(replaceStep(props.steps, path, next));
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
              onChange={(v) => set({ ...step, variable: v })}
            />
            <span>=</span>
            <Field
              label="value"
              value={step.value}
              readOnly={ro}
              width={14}
              onChange={(v) => set({ ...step, value: v })}
            />
          </>
        )}
        {(step.kind === 'linspace' || step.kind === 'arange') && (
          <>
            <Field
              label="variable"
              value={step.variable}
              readOnly={ro}
              onChange={(v) => set({ ...step, variable: v })}
            />
            <Field
              label="start"
              value={step.start}
              readOnly={ro}
              onChange={(v) => set({ ...step, start: v })}
            />
            <Field
              label="stop"
              value={step.stop}
              readOnly={ro}
              onChange={(v) => set({ ...step, stop: v })}
            />
            {step.kind === 'linspace' ? (
              <Field
                label="num"
                value={String(step.num)}
                readOnly={ro}
                width={4}
                onChange={(v) => set({ ...step, num: Math.max(0, Math.floor(Number(v) || 0)) })}
              />
            ) : (
              <Field
                label="step"
                value={step.step}
                readOnly={ro}
                onChange={(v) => set({ ...step, step: v })}
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
                const { shuffle: _shuffle, ...rest } = step;
                set(e.target.checked ? { ...rest, shuffle: { seed: 1 } } : rest);
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
              onClick={() => props.onChange(moveIterationStep(props.steps, path, -1))}
            >
              ↑
            </button>
            <button
              type="button"
              title="move down"
              onClick={() => props.onChange(moveIterationStep(props.steps, path, 1))}
            >
              ↓
            </button>
            <button
              type="button"
              title="remove"
              onClick={() => props.onChange(removeIterationStep(props.steps, path))}
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
