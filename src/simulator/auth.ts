// Who "me" is: Basic auth or the JSESSIONID cookie selects the agent, else the default agent; sessions carry a CSRF token.

import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { cookieValue } from '../common/cookies.js';
import { SESSION_COOKIE } from '../gws/index.js';
import type { Agent, AgentDirectory } from './agents.js';

/** A simulated HTTP session (GWS-NOTES §2): cookie value, its agent, its CSRF token. */
export interface HttpSession {
  /** JSESSIONID value: 32 hex */
  readonly id: string;
  readonly agent: Agent;
  /** UUID sent in X-CSRF-TOKEN on every GET */
  readonly csrfToken: string;
}

export type Identity =
  | { ok: true; agent: Agent; session: HttpSession; isNewSession: boolean }
  | { ok: false; reason: string };

/** Sessions kept at most; a forgotten session's cookie then counts as none. */
const MAX_SESSIONS = 10_000;

export interface SessionStoreOptions {
  agents: AgentDirectory;
  /** refuse requests without credentials instead of taking them as the default agent */
  isAuthRequired: boolean;
}

/** The user name of an `Authorization: Basic …` header; undefined when there is none or it is not Basic. */
export const basicUserName = (req: IncomingMessage): string | undefined => {
  const match = /^basic\s+(\S+)/i.exec(req.headers.authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? decoded : decoded.slice(0, colon);
};

/** Sessions of one simulator. An unknown cookie (expired, or from before a restart) counts as no cookie. */
export class SessionStore {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly agents: AgentDirectory;
  private readonly isAuthRequired: boolean;

  constructor(options: SessionStoreOptions) {
    this.agents = options.agents;
    this.isAuthRequired = options.isAuthRequired;
  }

  /** For REST: the agent and its session, made on the spot when the request brings none. */
  identify(req: IncomingMessage): Identity {
    const agent = this.agentOf(req);
    if (!agent.ok) return agent;
    const existing = this.sessionOf(req);
    if (existing !== undefined && existing.agent === agent.agent) {
      return { ok: true, agent: agent.agent, session: existing, isNewSession: false };
    }
    const session: HttpSession = {
      id: randomBytes(16).toString('hex'),
      agent: agent.agent,
      csrfToken: randomUUID(),
    };
    this.sessions.set(session.id, session);
    // Clients that drop cookies (curl -u) make a session per request; keep memory bounded by forgetting the oldest.
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return { ok: true, agent: agent.agent, session, isNewSession: true };
  }

  /** For CometD: the agent's DN as the Bayeux principal, or null to refuse the handshake. */
  principalOf(req: IncomingMessage): string | null {
    const agent = this.agentOf(req);
    return agent.ok ? agent.agent.phoneNumber : null;
  }

  /** EndContactCenterSession invalidates the HTTP session (GWS-NOTES §2). */
  end(session: HttpSession): void {
    this.sessions.delete(session.id);
  }

  private sessionOf(req: IncomingMessage): HttpSession | undefined {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    return id === undefined ? undefined : this.sessions.get(id);
  }

  private agentOf(req: IncomingMessage): { ok: true; agent: Agent } | { ok: false; reason: string } {
    const userName = basicUserName(req);
    if (userName !== undefined) {
      const agent = this.agents.byUserName(userName);
      return agent === undefined
        ? { ok: false, reason: `no agent has the user name "${userName}"` }
        : { ok: true, agent };
    }
    const session = this.sessionOf(req);
    if (session !== undefined) return { ok: true, agent: session.agent };
    if (this.isAuthRequired) return { ok: false, reason: 'no credentials' };
    return { ok: true, agent: this.agents.default };
  }
}
