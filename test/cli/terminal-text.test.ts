import { describe, expect, it } from 'vitest';
import { printable } from '../../src/cli/terminal-text.js';

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('printable', () => {
  it('replaces C0 controls, newline included, DEL and C1 controls with ?', () => {
    expect(printable('a\u001b[2Jb\nc\r\u007f\u0085\u009b31m')).toBe('a?[2Jb?c????31m');
  });

  it('replaces every bidirectional embedding, override and isolate with ?', () => {
    for (const c of BIDI) expect(printable(`user${c}gnp.exe`)).toBe('user?gnp.exe');
  });

  it('keeps other text, non-Latin scripts and emoji included, as it is', () => {
    const text = 'Agent 5005 → שלום مرحبا 你好 😀 \u00a0é';
    expect(printable(text)).toBe(text);
  });
});
