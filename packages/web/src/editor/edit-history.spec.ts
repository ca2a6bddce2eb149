import { describe, expect, it } from 'vitest';
import { pushState, redo, startHistory, undo } from './edit-history.js';

describe('the edit history', () => {
  it('undoes and redoes, and a new edit clears what could be redone', () => {
    let h = startHistory('a');
    h = pushState(h, 'b');
    h = pushState(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('b');
    h = pushState(h, 'd');
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });

  it('keeps a bounded past', () => {
    let h = startHistory(0);
    for (let i = 1; i <= 10; i++) h = pushState(h, i, 3);
    expect(h.past).toEqual([7, 8, 9]);
  });
});
