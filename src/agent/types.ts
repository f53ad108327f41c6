// What a scripted agent desktop and its scenarios work with: REST replies, call notifications, the simulator's far end.
import type { Call, CallStateChangeMessage } from '../gws/index.js';

export type AgentTransport = 'long-polling' | 'websocket';

/** A REST answer as the agent saw it. */
export interface RestReply {
  status: number;
  /** parsed JSON, or the text when the body is not JSON */
  body: unknown;
}

/** The agent side of a desktop: what a scenario may do and wait for. */
export interface AgentDesktop {
  /** the agent's DN ("5005" when no credentials are sent) */
  readonly phoneNumber: string;
  readonly transport: AgentTransport;
  /** headers the agent sends on every request (its Basic credentials, if any) */
  readonly headers: Readonly<Record<string, string>>;
  /** `POST /api/v2/me/calls/{id}` with `{operationName, ...params}` */
  operation(callId: string, operationName: string, params?: Record<string, unknown>): Promise<RestReply>;
  /** any REST request under the server's origin (`path` starts with `/api/v2`) */
  request(method: string, path: string, body?: unknown): Promise<RestReply>;
  /**
   * The next CallStateChangeMessage not yet taken whose call satisfies `predicate`, already received
   * or waited for; rejects after `timeoutMs` (default 5000) saying what did arrive.
   */
  nextCall(
    predicate: (call: Call, data: CallStateChangeMessage) => boolean,
    timeoutMs?: number,
  ): Promise<Call>;
  close(): Promise<void>;
}

/** The simulator's control API (`/sim`), which plays the callers and far ends. */
export interface FarEnd {
  /** rings a call from `from` at agent `to`; resolves with the call id */
  ring(to: string, from: string): Promise<string>;
  /** the far end of call `callId` (e.g. a consult destination) answers */
  answer(callId: string): Promise<void>;
  /** the far end of call `callId` hangs up */
  hangup(callId: string): Promise<void>;
}

export interface ScenarioContext {
  agent: AgentDesktop;
  farEnd: FarEnd;
  /** ms the agent "talks" between steps; 0 in tests */
  thinkMs: number;
}

export interface Scenario {
  /** short id, e.g. "two-step-transfer" */
  name: string;
  /** one line for people */
  description: string;
  run(context: ScenarioContext): Promise<void>;
}
