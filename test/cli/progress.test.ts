// Terminal progress: one redrawn line at most every intervalMs on a TTY, nothing at all otherwise.
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

const fakeStream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) > 0 };
};

describe('progress', () => {
  it('draws "label done/total (percent)" on a terminal, redrawing at most every intervalMs', () => {
    const stream = fakeStream(true);
    let nowMs = 0;
    const progress = createProgress({
      label: 'importing x.har',
      total: 456,
      stream,
      intervalMs: 100,
      nowMs: () => nowMs,
    });
    progress.update(0);
    progress.update(50); // too soon: skipped
    nowMs = 99;
    progress.update(100); // still too soon
    nowMs = 100;
    progress.update(123);
    nowMs = 150;
    progress.update(456); // the last one is always drawn
    progress.finish();
    progress.finish();
    expect(stream.writes).toEqual([
      '\r\u001b[Kimporting x.har 0/456 (0%)',
      '\r\u001b[Kimporting x.har 123/456 (26%)',
      '\r\u001b[Kimporting x.har 456/456 (100%)',
      '\r\u001b[K',
    ]);
  });

  it('takes a total learned later, and treats an empty job as done', () => {
    const stream = fakeStream(true);
    const progress = createProgress({ label: 'exporting', total: 0, stream, nowMs: () => 0 });
    progress.update(0);
    progress.update(3, 4);
    expect(stream.writes).toEqual(['\r\u001b[Kexporting 0/0 (100%)']);
    progress.update(4, 4);
    expect(stream.writes.at(-1)).toBe('\r\u001b[Kexporting 4/4 (100%)');
  });

  it('says nothing when the stream is not a terminal (a pipe, a file, CI)', () => {
    const stream = fakeStream(false);
    const progress = createProgress({ label: 'importing', total: 10, stream });
    for (let i = 0; i <= 10; i += 1) progress.update(i);
    progress.finish();
    expect(stream.writes).toEqual([]);
  });

  it('leaves no line behind when nothing was drawn', () => {
    const stream = fakeStream(true);
    createProgress({ label: 'x', total: 1, stream }).finish();
    expect(stream.writes).toEqual([]);
  });
});
