// Tells replaying clients apart, so each gets its own timeline: by the replay's session cookie, else credentials.
//
// The rule, for REST requests and Bayeux handshakes alike:
// 1. A session cookie the replay handed out names its client.
// 2. Otherwise the Authorization header does: the latest client seen with it. A client first seen with
//    credentials adopts the latest client that had none yet (its first request may have gone without).
// 3. Otherwise (no cookie, no credentials) the latest client.
// Two twists. A REST request without a cookie, when that client already sent its cookie back on REST, is a new
// client (a real server would open a new HTTP session for it too). A handshake goes to a client without a
// live Bayeux session (a re-handshake finds its own client again), and otherwise starts a new one.
// Clients with the same credentials that never send a cookie back cannot be told apart: they share one.

/** What a request says about who sent it. */
export interface ClientIdentity {
  /** the replay session cookie's value, if the request carried one */
  sessionCookie: string | null;
  /** the Authorization header, if any */
  authorization: string | null;
}

interface Client<T> {
  timeline: T;
  authorization: string | null;
  cookie: string | null;
  /** the client sent its cookie back on a REST request at least once */
  isCookieKeeper: boolean;
  liveSessions: Set<string>;
}

export class ClientRegistry<T> {
  private readonly clients: Array<Client<T>> = [];
  private readonly byCookie = new Map<string, Client<T>>();
  private readonly bySession = new Map<string, Client<T>>();

  constructor(private readonly create: (seq: number) => T) {}

  /** Every client's timeline, oldest first. */
  timelines(): T[] {
    return this.clients.map((c) => c.timeline);
  }

  forRequest(identity: ClientIdentity): T {
    const byCookie = this.cookieClient(identity);
    if (byCookie) {
      byCookie.isCookieKeeper = true;
      return byCookie.timeline;
    }
    const candidate = this.byCredentials(identity.authorization, () => true);
    if (candidate === undefined || candidate.isCookieKeeper) return this.add(identity.authorization).timeline;
    return candidate.timeline;
  }

  forHandshake(identity: ClientIdentity): T {
    const byCookie = this.cookieClient(identity);
    if (byCookie) return byCookie.timeline;
    const candidate = this.byCredentials(identity.authorization, (c) => c.liveSessions.size === 0);
    return (candidate ?? this.add(identity.authorization)).timeline;
  }

  /** The session cookie value of this client, handing one out (from `mint`) the first time. */
  cookieOf(timeline: T, mint: () => string): string {
    const client = this.clientOf(timeline);
    if (client.cookie === null) {
      client.cookie = mint();
      this.byCookie.set(client.cookie, client);
    }
    return client.cookie;
  }

  attachSession(timeline: T, sessionId: string): void {
    const client = this.clientOf(timeline);
    client.liveSessions.add(sessionId);
    this.bySession.set(sessionId, client);
  }

  detachSession(sessionId: string): void {
    this.bySession.get(sessionId)?.liveSessions.delete(sessionId);
    this.bySession.delete(sessionId);
  }

  timelineOfSession(sessionId: string): T | undefined {
    return this.bySession.get(sessionId)?.timeline;
  }

  /** Live Bayeux session ids of this client. */
  sessionsOf(timeline: T): string[] {
    return [...this.clientOf(timeline).liveSessions];
  }

  private cookieClient(identity: ClientIdentity): Client<T> | undefined {
    if (identity.sessionCookie === null) return undefined;
    const client = this.byCookie.get(identity.sessionCookie);
    if (client) {
      if (client.authorization === null) client.authorization = identity.authorization;
    }
    return client;
  }

  private byCredentials(
    authorization: string | null,
    accept: (c: Client<T>) => boolean,
  ): Client<T> | undefined {
    const latest = (match: (c: Client<T>) => boolean) => this.clients.findLast((c) => match(c) && accept(c));
    if (authorization === null) return latest(() => true);
    const known = latest((c) => c.authorization === authorization);
    if (known) return known;
    const adopted = latest((c) => c.authorization === null);
    if (adopted) adopted.authorization = authorization;
    return adopted;
  }

  private add(authorization: string | null): Client<T> {
    const client: Client<T> = {
      timeline: this.create(this.clients.length),
      authorization,
      cookie: null,
      isCookieKeeper: false,
      liveSessions: new Set(),
    };
    this.clients.push(client);
    return client;
  }

  private clientOf(timeline: T): Client<T> {
    const client = this.clients.find((c) => c.timeline === timeline);
    if (client === undefined) throw new Error('timeline does not belong to this registry');
    return client;
  }
}
