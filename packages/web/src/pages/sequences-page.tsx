import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { useLab, useLabEvents } from '../lab-context.js';
import {
  type PathTreeItem,
  PATH_SEPARATOR,
  buildPathTree,
  childPath,
  parentPath,
} from '../sequences/path-tree.js';
import { newDefinition } from '../sequences/new-definition.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorBox } from '../ui/error-text.js';
import { ProgressBar, StateBadge } from '../ui/state-badge.js';

type Prompt =
  { kind: 'sequence' | 'folder'; parent: string } | { kind: 'rename' | 'duplicate'; path: string };

const PROMPT_TITLE = {
  sequence: 'New sequence',
  folder: 'New folder',
  rename: 'Rename',
  duplicate: 'Duplicate as',
} as const;

function TreeRows({
  items,
  depth,
  selected,
  onSelect,
}: {
  items: PathTreeItem[];
  depth: number;
  selected: string | undefined;
  onSelect: (item: PathTreeItem) => void;
}) {
  return (
    <>
      {items.map((item) => (
        <div key={item.path}>
          <div
            className={`tree-row${selected === item.path ? ' selected' : ''}`}
            style={{ paddingLeft: `${depth * 1.2 + 0.4}rem` }}
            onClick={() => onSelect(item)}
            data-path={item.path}
            role="treeitem"
            aria-selected={selected === item.path}
          >
            <span className={`tree-icon ${item.kind}`} aria-hidden="true" />
            <span className="tree-name">{item.name}</span>
            {item.summary && (
              <>
                <StateBadge state={item.summary.state} />
                <ProgressBar
                  done={item.summary.completedShots}
                  total={item.summary.expectedShots}
                />
              </>
            )}
          </div>
          {item.children.length > 0 && (
            <TreeRows
              items={item.children}
              depth={depth + 1}
              selected={selected}
              onSelect={onSelect}
            />
          )}
        </div>
      ))}
    </>
  );
}

function find(items: PathTreeItem[], path: string | undefined): PathTreeItem | undefined {
  for (const item of items) {
    if (item.path === path) return item;
    const inner = find(item.children, path);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * The sequences page: the path tree with each sequence's state and progress (live), and creating,
 * renaming, duplicating and deleting folders and sequences.
 */
export default function SequencesPage() {
  const { api } = useLab();
  const [tree, setTree] = useState<PathTreeItem[]>([]);
  const [selectedPath, setSelectedPath] = useState<string | undefined>();
  const [prompt, setPrompt] = useState<Prompt | undefined>();
  const [name, setName] = useState('');
  const [confirmDelete, setConfirmDelete] = useState<PathTreeItem | undefined>();
  const [error, setError] = useState<unknown>();

  const reload = useCallback(async () => {
    try {
      const [nodes, summaries] = await Promise.all([api.tree(), api.sequences()]);
      setTree(buildPathTree(nodes, summaries));
    } catch (e) {
      setError(e);
    }
  }, [api]);
  useEffect(() => void reload(), [reload]);
  useLabEvents(
    (event) => {
      if (event.type === 'sequence-state' || event.type === 'shot-stored') void reload();
    },
    () => void reload(),
  );

  const selected = find(tree, selectedPath);
  const folderOfSelection = selected
    ? selected.kind === 'folder'
      ? selected.path
      : parentPath(selected.path)
    : PATH_SEPARATOR;

  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      await reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };

  const open = (next: Prompt) => {
    setPrompt(next);
    setError(undefined);
    setName(
      next.kind === 'rename' || next.kind === 'duplicate'
        ? next.kind === 'duplicate'
          ? `${next.path.slice(next.path.lastIndexOf(PATH_SEPARATOR) + 1)} copy`
          : next.path.slice(next.path.lastIndexOf(PATH_SEPARATOR) + 1)
        : '',
    );
  };

  const submitPrompt = async (event: FormEvent) => {
    event.preventDefault();
    if (!prompt || name.trim() === '') return;
    const trimmed = name.trim();
    let target: string;
    const done = await act(async () => {
      switch (prompt.kind) {
        case 'sequence':
          target = childPath(prompt.parent, trimmed);
          await api.createSequence(target, newDefinition());
          return;
        case 'folder':
          target = childPath(prompt.parent, trimmed);
          await api.createFolder(target);
          return;
        case 'rename':
          target = childPath(parentPath(prompt.path), trimmed);
          await api.move(prompt.path, target);
          return;
        case 'duplicate':
          target = childPath(parentPath(prompt.path), trimmed);
          await api.duplicate(prompt.path, target);
          return;
      }
    });
    if (done) {
      setPrompt(undefined);
      setSelectedPath(target!);
    }
  };

  return (
    <section className="page sequences-page">
      <h1>Sequences</h1>
      <div className="toolbar">
        <button type="button" onClick={() => open({ kind: 'sequence', parent: folderOfSelection })}>
          New sequence
        </button>
        <button type="button" onClick={() => open({ kind: 'folder', parent: folderOfSelection })}>
          New folder
        </button>
        {selected && (
          <>
            {selected.kind === 'sequence' && (
              <>
                <Link className="button" href={`/edit/${encodeURIComponent(selected.path)}`}>
                  Edit
                </Link>
                <Link className="button" href={`/run/${encodeURIComponent(selected.path)}`}>
                  Run
                </Link>
                <Link className="button" href={`/live/${encodeURIComponent(selected.path)}`}>
                  Live
                </Link>
                <button
                  type="button"
                  onClick={() => open({ kind: 'duplicate', path: selected.path })}
                >
                  Duplicate
                </button>
              </>
            )}
            <button type="button" onClick={() => open({ kind: 'rename', path: selected.path })}>
              Rename
            </button>
            <button type="button" className="danger" onClick={() => setConfirmDelete(selected)}>
              Delete
            </button>
          </>
        )}
      </div>
      {prompt && (
        <form
          className="inline-form"
          onSubmit={(e) => void submitPrompt(e)}
          aria-label={PROMPT_TITLE[prompt.kind]}
        >
          <label>
            {PROMPT_TITLE[prompt.kind]}{' '}
            <span className="muted">
              in {'parent' in prompt ? prompt.parent : parentPath(prompt.path)}
            </span>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          </label>
          <button type="submit">OK</button>
          <button type="button" onClick={() => setPrompt(undefined)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorBox error={error} />
      <div className="tree" role="tree">
        {tree.length === 0 ? (
          <p className="muted">No sequences yet: create one.</p>
        ) : (
          <TreeRows
            items={tree}
            depth={0}
            selected={selectedPath}
            onSelect={(i) => setSelectedPath(i.path)}
          />
        )}
      </div>
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${confirmDelete.path}?`}
          confirmLabel="Delete"
          onCancel={() => setConfirmDelete(undefined)}
          onConfirm={() => {
            const target = confirmDelete;
            setConfirmDelete(undefined);
            void act(async () => {
              await api.deletePath(target.path, true);
              setSelectedPath(undefined);
            });
          }}
        >
          {target(confirmDelete)}
        </ConfirmDialog>
      )}
    </section>
  );
}

function target(item: PathTreeItem) {
  const count = (i: PathTreeItem): number =>
    (i.kind === 'sequence' ? 1 : 0) + i.children.reduce((n, c) => n + count(c), 0);
  const sequences = count(item);
  return (
    <p>
      {item.kind === 'folder'
        ? `The folder and the ${sequences} sequence${sequences === 1 ? '' : 's'} in it are deleted with all their shots.`
        : `The sequence is deleted with its ${item.summary?.completedShots ?? 0} stored shots.`}{' '}
      This cannot be undone.
    </p>
  );
}
