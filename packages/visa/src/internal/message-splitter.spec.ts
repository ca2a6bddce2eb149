import { describe, expect, it } from 'vitest';
import { MessageSplitter } from './message-splitter.js';

function split(
  terminator: string,
  pieces: readonly string[],
  max = 1000,
): { messages: string[]; overflows: number[] } {
  const messages: string[] = [];
  const overflows: number[] = [];
  const splitter = new MessageSplitter(
    Buffer.from(terminator, 'latin1'),
    max,
    (m) => messages.push(m.toString('latin1')),
    (n) => overflows.push(n),
  );
  for (const piece of pieces) splitter.push(Buffer.from(piece, 'latin1'));
  return { messages, overflows };
}

describe('MessageSplitter', () => {
  it('cuts messages at the terminator, several per arrival or one over several', () => {
    expect(split('\n', ['*IDN?\nVOLT', '?\n', 'A', 'B\n\n']).messages).toEqual([
      '*IDN?',
      'VOLT?',
      'AB',
      '',
    ]);
  });

  it('finds a two-byte terminator split across arrivals', () => {
    expect(split('\r\n', ['one\r', '\ntwo\r', '\n', 'three', '\r', '\n']).messages).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(split('\r\n', ['a\rb\r\n']).messages).toEqual(['a\rb']);
  });

  it('refuses a message past the bound once, and drops its tail up to the next terminator', () => {
    const { messages, overflows } = split(
      '\n',
      ['x'.repeat(8), 'y'.repeat(8), 'VOLT 3\nOK?\n'],
      10,
    );
    expect(overflows).toEqual([16]);
    expect(messages).toEqual(['OK?']);
  });

  it('accepts a message exactly at the bound', () => {
    expect(split('\n', ['0123456789\n'], 10).messages).toEqual(['0123456789']);
  });
});
