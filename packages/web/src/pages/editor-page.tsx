import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../api/api-error.js';
import type {
  DefinitionJson,
  IterationStepJson,
  SequenceDetail,
  TimeLanesJson,
  WireError,
} from '../api/api-types.js';
import { GENERAL_KEY, placeErrors } from '../editor/cell-errors.js';
import { type EditHistory, pushState, redo, startHistory, undo } from '../editor/edit-history.js';
import { IterationEditor } from '../editor/iteration-editor.js';
import { LanesGrid } from '../editor/lanes-grid.js';
import { useLab, useLabEvents } from '../lab-context.js';
import { ErrorBox } from '../ui/error-text.js';
import { StateBadge } from '../ui/state-badge.js';

interface Loaded {
  readonly version: string;
  readonly saved: DefinitionJson;
}

const CHECK_DELAY_MS = 250;

/**
 * The sequence editor: the iteration tree and the time-lanes grid. Every edit is checked by the
 * server as it is typed (errors shown on their cell); Save sends the definition with the version
 * it was loaded from, and a stale version (someone else saved) is refused with a message, nothing
 * overwritten. Undo/redo with Ctrl+Z / Ctrl+Y.
 */
export default function EditorPage({ path }: { path: string }) {
  const { api } = useLab();
  const [detail, setDetail] = useState<SequenceDetail | undefined>();
  const [loaded, setLoaded] = useState<Loaded | undefined>();
  const [history, setHistory] = useState<EditHistory<DefinitionJson> | undefined>();
  const [checkErrors, setCheckErrors] = useState<WireError[]>([]);
  const [saveError, setSaveError] = useState<unknown>();
  const [conflict, setConflict] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  const load = useCallback(async () => {
    setSaveError(undefined);
    setConflict(undefined);
    try {
      const [d, definition] = await Promise.all([api.sequence(path), api.definition(path)]);
      const json = {
        iteration: definition.iteration,
        timeLanes: definition.timeLanes,
      } as DefinitionJson;
      setDetail(d);
      setLoaded({ version: definition.version, saved: json });
      setHistory(startHistory(json));
    } catch (e) {
      setSaveError(e);
    }
  }, [api, path]);
  useEffect(() => void load(), [load]);
  useLabEvents((event) => {
    if (event.type === 'sequence-state' && event.sequence === path) {
      void api.sequence(path).then(setDetail, () => undefined);
    }
  });

  const current = history?.present;
  // The server's static check, as the user types (the latest answer wins).
  useEffect(() => {
    if (!current) return;
    let stale = false;
    const timer = setTimeout(() => {
      api.check(current).then(
        (result) => {
          if (!stale) setCheckErrors(result.errors);
        },
        () => undefined,
      );
    }, CHECK_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, current]);

  const edit = useCallback((change: (d: DefinitionJson) => DefinitionJson) => {
    setSaved(false);
    setHistory((h) => (h ? pushState(h, change(h.present)) : h));
  }, []);
  const onLanes = useCallback(
    (change: (t: TimeLanesJson) => TimeLanesJson) =>
      edit((d) => ({ ...d, timeLanes: change(d.timeLanes) })),
    [edit],
  );
  const onIteration = useCallback(
    (change: (steps: IterationStepJson[]) => IterationStepJson[]) =>
      edit((d) => ({ ...d, iteration: { steps: change(d.iteration.steps) } })),
    [edit],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      if (event.key === 'z' && !event.shiftKey) {
        event.preventDefault();
        setHistory((h) => (h ? undo(h) : h));
      } else if (event.key === 'y' || (event.key === 'z' && event.shiftKey)) {
        event.preventDefault();
        setHistory((h) => (h ? redo(h) : h));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const save = async () => {
    if (!loaded || !current) return;
    setSaveError(undefined);
    setConflict(undefined);
    try {
      const result = await api.saveDefinition(path, loaded.version, current);
      const json = { iteration: result.iteration, timeLanes: result.timeLanes } as DefinitionJson;
      setLoaded({ version: result.version, saved: json });
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'SEQUENCE_VERSION_CONFLICT') setConflict(e.message);
      else setSaveError(e);
    }
  };

  const placed = useMemo(
    () => (current ? placeErrors(checkErrors, current.timeLanes) : new Map<string, string>()),
    [checkErrors, current],
  );
  const readOnly = detail !== undefined && detail.state !== 'draft';
  const dirty =
    current !== undefined &&
    loaded !== undefined &&
    JSON.stringify(current) !== JSON.stringify(loaded.saved);

  return (
    <section className="page editor-page">
      <h1>
        {path} {detail && <StateBadge state={detail.state} />}
      </h1>
      <div className="toolbar">
        <button
          type="button"
          disabled={!history?.past.length}
          onClick={() => setHistory((h) => (h ? undo(h) : h))}
        >
          Undo
        </button>
        <button
          type="button"
          disabled={!history?.future.length}
          onClick={() => setHistory((h) => (h ? redo(h) : h))}
        >
          Redo
        </button>
        <button
          type="button"
          className="primary"
          disabled={readOnly || !dirty}
          onClick={() => void save()}
        >
          Save
        </button>
        <span className="muted" data-testid="save-state">
          {dirty ? 'unsaved changes' : saved ? 'saved' : ''}
          {loaded && ` · version ${loaded.version}`}
        </span>
        <span className={checkErrors.length ? 'error' : 'ok'} data-testid="check-state">
          {checkErrors.length
            ? `${checkErrors.length} error${checkErrors.length > 1 ? 's' : ''}`
            : 'no errors'}
        </span>
        <Link className="button" href={`/run/${encodeURIComponent(path)}`}>
          Run…
        </Link>
      </div>
      {readOnly && (
        <p className="warning" data-testid="read-only">
          This sequence is {detail?.state}: it can no longer be edited. Reset it to DRAFT from the
          run page (its shots are erased), or duplicate it from the sequences page.
        </p>
      )}
      {conflict && (
        <div className="conflict" role="alert" data-testid="conflict">
          <p>{conflict}</p>
          <button type="button" onClick={() => void load()}>
            Reload (discard my changes)
          </button>
        </div>
      )}
      <ErrorBox error={saveError} />
      {placed.get(GENERAL_KEY) && <p className="error">{placed.get(GENERAL_KEY)}</p>}
      {current && (
        <>
          <h2>Iteration</h2>
          <IterationEditor
            steps={current.iteration.steps}
            errors={placed}
            readOnly={readOnly}
            onEdit={onIteration}
          />
          <h2>Time lanes</h2>
          <LanesGrid
            table={current.timeLanes}
            errors={placed}
            readOnly={readOnly}
            onEdit={onLanes}
          />
        </>
      )}
    </section>
  );
}
