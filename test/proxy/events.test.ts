// The recorder's event emitter: every subscriber gets every row, whatever the others do while it is emitted.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { RecorderEvents } from '../../src/proxy/events.js';
import type { NewFrameRow } from '../../src/store/index.js';
import { makeFrame } from '../helpers/store-rows.js';

const frame: NewFrameRow = makeFrame({ id: 1, exchangeId: 1 });

describe('RecorderEvents', () => {
  it('still calls every listener of an event when one unsubscribes itself while it runs', () => {
    const events = new RecorderEvents(silentLogger);
    const seen: string[] = [];
    const off = events.on('frame', () => {
      seen.push('once');
      off();
    });
    events.on('frame', () => seen.push('always'));
    events.emit('frame', frame);
    events.emit('frame', frame);
    expect(seen).toEqual(['once', 'always', 'always']);
  });

  it('gives a listener added while an event is emitted the next event, not that one', () => {
    const events = new RecorderEvents(silentLogger);
    const seen: string[] = [];
    events.on('frame', () => {
      seen.push('first');
      if (seen.length === 1) events.on('frame', () => seen.push('late'));
    });
    events.emit('frame', frame);
    events.emit('frame', frame);
    expect(seen).toEqual(['first', 'first', 'late']);
  });
});
