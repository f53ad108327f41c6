// fast-check arbitraries for what peers send: Bayeux batches, JSON values, any text, any bytes.
import fc from 'fast-check';

const CHANNELS = [
  '/meta/handshake',
  '/meta/connect',
  '/meta/subscribe',
  '/meta/unsubscribe',
  '/meta/disconnect',
  '/v2/me/calls',
  '/v2/me/devices',
  '/v2/me/*',
  '/**',
  '/service/x',
];

/** One Bayeux message as a peer may write it: a string channel, anything else optional and of any type. */
export const bayeuxMessage: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      channel: fc.oneof(fc.constantFrom(...CHANNELS), fc.string()),
      id: fc.oneof(fc.string(), fc.integer()),
      clientId: fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue()),
      successful: fc.oneof(fc.boolean(), fc.jsonValue()),
      subscription: fc.oneof(fc.constantFrom(...CHANNELS), fc.jsonValue()),
      connectionType: fc.constantFrom('long-polling', 'websocket', 'callback-polling', 'carrier-pigeon'),
      advice: fc.jsonValue(),
      ext: fc.jsonValue(),
      data: fc.jsonValue(),
    },
    { requiredKeys: ['channel'] },
  )
  .map((m) => m as Record<string, unknown>);

/** A long-poll body or WebSocket frame of well-formed Bayeux messages. */
export const bayeuxBatch = fc.array(bayeuxMessage, { minLength: 1, maxLength: 6 });

/** Text a broken or hostile peer may send instead: JSON of any shape, truncated JSON, any string. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.json(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  bayeuxBatch.chain((batch) => {
    const text = JSON.stringify(batch);
    return fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut));
  }),
  fc.constantFrom('', ' ', '[]', '{}', 'null', '[null]', '[1,2]', '[{"channel":1}]', '{"channel":"/a"}'),
);

/** Any body: Bayeux, odd text, or bytes that are not UTF-8 at all. */
export const anyBody: fc.Arbitrary<Buffer> = fc.oneof(
  bayeuxBatch.map((batch) => Buffer.from(JSON.stringify(batch))),
  oddText.map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
