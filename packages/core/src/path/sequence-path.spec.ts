import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidPathError, SequencePath } from './sequence-path.js';

const nameArb = fc
  .tuple(
    fc.constantFrom(...'abcXYZ019_.,;*()[]{}+-/=!@#$%^&~<>?|éλ'.split('')),
    fc.array(fc.constantFrom(...'abc 019_.-é'.split('')), { maxLength: 8 }),
  )
  .map(([first, rest]) => first + rest.join(''));

describe('SequencePath', () => {
  it('parses the root', () => {
    const root = SequencePath.parse('\\');
    expect(root.isRoot()).toBe(true);
    expect(root.parts).toEqual([]);
    expect(root.name).toBeUndefined();
    expect(root.parent).toBeUndefined();
    expect(root.toString()).toBe('\\');
  });

  it('parses nested paths into parts', () => {
    const p = SequencePath.parse('\\lab\\mot\\scan 3');
    expect(p.parts).toEqual(['lab', 'mot', 'scan 3']);
    expect(p.name).toBe('scan 3');
    expect(p.parent?.toString()).toBe('\\lab\\mot');
  });

  it.each(['\\a\\', '\\a\\\\b', 'a', '', '\\ a', '\\a\\ b', '\\a\tb'])('rejects %j', (text) => {
    expect(() => SequencePath.parse(text)).toThrow(InvalidPathError);
  });

  it('quotes the bad part in the error', () => {
    expect(() => SequencePath.parse('\\lab\\ bad')).toThrow(
      /part " bad": a name cannot start with a space/,
    );
    expect(() => SequencePath.parse('\\lab\\')).toThrow(/empty part at position 2/);
  });

  it('accepts names ending with a space and "."', () => {
    expect(SequencePath.isValidName('a ')).toBe(true);
    expect(SequencePath.isValidName('.')).toBe(true);
    expect(SequencePath.isValidName(' a')).toBe(false);
    expect(SequencePath.isValidName(' ')).toBe(false);
    expect(SequencePath.isValidName('')).toBe(false);
    expect(SequencePath.isValidName('a\\b')).toBe(false);
  });

  it('join validates the whole name, not a prefix', () => {
    const p = SequencePath.root.join('a');
    expect(p.toString()).toBe('\\a');
    expect(() => p.join('b\\c')).toThrow(InvalidPathError);
    expect(() => p.join('ok\n')).toThrow(InvalidPathError);
  });

  it('lists ancestors from self to root', () => {
    expect(SequencePath.parse('\\a\\b').ancestors().map(String)).toEqual(['\\a\\b', '\\a', '\\']);
  });

  it('isDescendantOf is strict', () => {
    const a = SequencePath.parse('\\a');
    const ab = SequencePath.parse('\\a\\b');
    expect(ab.isDescendantOf(a)).toBe(true);
    expect(ab.isDescendantOf(SequencePath.root)).toBe(true);
    expect(a.isDescendantOf(a)).toBe(false);
    expect(SequencePath.parse('\\ab').isDescendantOf(a)).toBe(false);
    expect(a.isDescendantOf(ab)).toBe(false);
  });

  it('round-trips through its string for any valid parts', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { maxLength: 5 }), (parts) => {
        const p = SequencePath.fromParts(parts);
        expect(SequencePath.parse(p.toString()).equals(p)).toBe(true);
        expect(JSON.parse(JSON.stringify(p))).toBe(p.toString());
        if (!p.isRoot()) expect(p.parent!.join(p.name!).equals(p)).toBe(true);
      }),
    );
  });
});
