import { describe, expect, it } from 'vitest';
import { type ClientIdentity, ClientRegistry } from '../../src/replay/client-registry.js';

const id = (authorization: string | null = null, sessionCookie: string | null = null): ClientIdentity => ({
  authorization,
  sessionCookie,
});

const registry = () => new ClientRegistry((seq) => ({ name: `client-${seq}` }));

describe('client registry', () => {
  it('keeps one client through REST, handshake and a re-handshake, whatever it sends', () => {
    const clients = registry();
    const first = clients.forRequest(id());
    expect(clients.forRequest(id('Basic a'))).toBe(first);
    expect(clients.forHandshake(id('Basic a'))).toBe(first);
    clients.attachSession(first, 's1');
    clients.detachSession('s1');
    expect(clients.forHandshake(id('Basic a'))).toBe(first);
    expect(clients.timelines()).toHaveLength(1);
  });

  it('tells clients apart by their credentials', () => {
    const clients = registry();
    const a = clients.forRequest(id('Basic a'));
    const b = clients.forRequest(id('Basic b'));
    expect(b).not.toBe(a);
    expect(clients.forHandshake(id('Basic a'))).toBe(a);
    expect(clients.forHandshake(id('Basic b'))).toBe(b);
    expect(clients.forRequest(id('Basic a'))).toBe(a);
  });

  it('tells clients with the same credentials apart by the cookie the replay handed out', () => {
    const clients = registry();
    const a = clients.forRequest(id('Basic x'));
    const cookieA = clients.cookieOf(a, () => 'c-a');
    expect(clients.forRequest(id('Basic x', cookieA))).toBe(a);
    const b = clients.forRequest(id('Basic x'));
    expect(b).not.toBe(a);
    const cookieB = clients.cookieOf(b, () => 'c-b');
    expect(clients.cookieOf(b, () => 'never')).toBe('c-b');
    expect(clients.forHandshake(id('Basic x', cookieB))).toBe(b);
    expect(clients.forHandshake(id('Basic x', cookieA))).toBe(a);
  });

  it('keeps a client that never sends its cookie back as one client', () => {
    const clients = registry();
    const a = clients.forRequest(id('Basic x'));
    clients.cookieOf(a, () => 'c-a');
    expect(clients.forRequest(id('Basic x'))).toBe(a);
    expect(clients.forRequest(id('Basic x'))).toBe(a);
  });

  it('starts a new client for a second handshake while the first client is still connected', () => {
    const clients = registry();
    const a = clients.forHandshake(id());
    clients.attachSession(a, 's1');
    const b = clients.forHandshake(id());
    expect(b).not.toBe(a);
    clients.attachSession(b, 's2');
    expect(clients.timelineOfSession('s1')).toBe(a);
    expect(clients.sessionsOf(b)).toEqual(['s2']);
  });
});
