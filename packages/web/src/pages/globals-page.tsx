import { useCallback, useEffect, useState } from 'react';
import type { GlobalsJson } from '../api/lab-api.js';
import { useLab } from '../lab-context.js';
import { ErrorBox } from '../ui/error-text.js';

function Entries({
  entries,
  onChange,
  depth,
}: {
  entries: GlobalsJson;
  onChange: (entries: GlobalsJson) => void;
  depth: number;
}) {
  const set = (i: number, entry: GlobalsJson[number]) =>
    onChange(entries.map((e, j) => (j === i ? entry : e)));
  return (
    <ul className="globals" style={{ marginLeft: depth ? '1.2rem' : 0 }}>
      {entries.map(([name, value], i) => (
        <li key={i}>
          <input
            aria-label="name"
            className="global-name"
            value={name}
            onChange={(e) => set(i, [e.target.value, value])}
          />
          {typeof value === 'string' ? (
            <>
              <span>=</span>
              <input
                aria-label={`value of ${name}`}
                className="global-value"
                value={value}
                onChange={(e) => set(i, [name, e.target.value])}
              />
            </>
          ) : (
            <span className="muted">namespace</span>
          )}
          <button
            type="button"
            title="remove"
            onClick={() => onChange(entries.filter((_, j) => j !== i))}
          >
            ✕
          </button>
          {typeof value !== 'string' && (
            <Entries
              entries={value}
              depth={depth + 1}
              onChange={(inner) => set(i, [name, inner])}
            />
          )}
        </li>
      ))}
      <li>
        <button type="button" onClick={() => onChange([...entries, ['name', '0']])}>
          add parameter
        </button>
        <button type="button" onClick={() => onChange([...entries, ['group', []]])}>
          add namespace
        </button>
      </li>
    </ul>
  );
}

/** The globals: a nested editor of `name = expression` (with units) and namespaces. */
export default function GlobalsPage() {
  const { api } = useLab();
  const [globals, setGlobals] = useState<GlobalsJson | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const load = useCallback(async () => {
    try {
      setGlobals((await api.globals()).globals);
    } catch (e) {
      setError(e);
    }
  }, [api]);
  useEffect(() => void load(), [load]);
  const save = async () => {
    if (!globals) return;
    setError(undefined);
    try {
      setGlobals((await api.setGlobals(globals)).globals);
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="page globals-page">
      <h1>Globals</h1>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => void save()}>
          Save
        </button>
        <button type="button" onClick={() => void load()}>
          Reload
        </button>
        {saved && <span className="muted">saved</span>}
      </div>
      <ErrorBox error={error} />
      {globals && (
        <Entries
          entries={globals}
          depth={0}
          onChange={(g) => {
            setSaved(false);
            setGlobals(g);
          }}
        />
      )}
    </section>
  );
}
