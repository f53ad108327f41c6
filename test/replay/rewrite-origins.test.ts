import { describe, expect, it } from 'vitest';
import { createOriginRewrite } from '../../src/replay/rewrite-origins.js';

describe('origin rewrite', () => {
  const rewrite = createOriginRewrite(
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8090/'],
    'http://127.0.0.1:9000',
  );

  it('rewrites the upstream and the recorder origins in plain and JSON-escaped URLs', () => {
    expect(rewrite.text('{"uri":"http://127.0.0.1:8080/api/v2/me/calls/A"}')).toBe(
      '{"uri":"http://127.0.0.1:9000/api/v2/me/calls/A"}',
    );
    expect(rewrite.text('{"uri":"http:\\/\\/127.0.0.1:8090\\/api"}')).toBe(
      '{"uri":"http:\\/\\/127.0.0.1:9000\\/api"}',
    );
  });

  it('rewrites an origin however its default port is written, and a longer host that begins like it not', () => {
    const balanced = createOriginRewrite(['https://gws-lb.example', 'http://gws'], 'http://127.0.0.1:9000');
    expect(
      balanced.text(
        'https://gws-lb.example/a https://gws-lb.example:443/b http:\\/\\/gws:80\\/c http://gws.example.com/d',
      ),
    ).toBe(
      'http://127.0.0.1:9000/a http://127.0.0.1:9000/b http:\\/\\/127.0.0.1:9000\\/c http://gws.example.com/d',
    );
  });

  it('leaves an origin that only starts like a recorded one alone', () => {
    expect(rewrite.text('http://127.0.0.1:80801/x http://127.0.0.1:8080.evil/x')).toBe(
      'http://127.0.0.1:80801/x http://127.0.0.1:8080.evil/x',
    );
  });

  it('rewrites every string inside a value and leaves the input untouched', () => {
    const call = {
      id: 'A',
      uri: 'http://127.0.0.1:8080/api/v2/me/calls/A',
      n: 1,
      list: ['http://127.0.0.1:8090'],
    };
    const out = rewrite.value(call);
    expect(out).toEqual({
      id: 'A',
      uri: 'http://127.0.0.1:9000/api/v2/me/calls/A',
      n: 1,
      list: ['http://127.0.0.1:9000'],
    });
    expect(call.uri).toBe('http://127.0.0.1:8080/api/v2/me/calls/A');
  });

  it('does nothing when there is no origin to rewrite from', () => {
    const none = createOriginRewrite([null, 'not a url'], 'http://127.0.0.1:9000');
    const value = { a: 'http://x' };
    expect(none.value(value)).toBe(value);
  });
});
