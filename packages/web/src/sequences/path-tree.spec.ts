import { describe, expect, it } from 'vitest';
import { buildPathTree, childPath, parentPath, pathName, progressFraction } from './path-tree.js';

describe('the path tree', () => {
  it('nests folders and sequences and attaches state and progress', () => {
    const tree = buildPathTree(
      [
        { path: '\\demo', kind: 'folder' },
        { path: '\\demo\\scan', kind: 'sequence' },
        { path: '\\empty', kind: 'folder' },
        { path: '\\top', kind: 'sequence' },
      ],
      [
        { path: '\\demo\\scan', state: 'running', completedShots: 5, expectedShots: 50 },
        { path: '\\top', state: 'draft', completedShots: 0, expectedShots: null },
      ],
    );
    expect(tree.map((t) => t.name)).toEqual(['demo', 'empty', 'top']);
    expect(tree[0]!.children[0]).toMatchObject({
      path: '\\demo\\scan',
      name: 'scan',
      kind: 'sequence',
      summary: { state: 'running' },
    });
    expect(tree[1]!.children).toEqual([]);
  });

  it('splits and joins paths', () => {
    expect(pathName('\\a\\b c')).toBe('b c');
    expect(parentPath('\\a\\b')).toBe('\\a');
    expect(parentPath('\\a')).toBe('\\');
    expect(childPath('\\', 'x')).toBe('\\x');
    expect(childPath('\\a', 'x')).toBe('\\a\\x');
  });

  it('gives the progress when the number of shots is known', () => {
    expect(progressFraction({ completedShots: 5, expectedShots: 50 })).toBe(0.1);
    expect(progressFraction({ completedShots: 5, expectedShots: null })).toBeNull();
    expect(progressFraction({ completedShots: 60, expectedShots: 50 })).toBe(1);
  });
});
