// Folds call notifications, one at a time, into calls with their state history (GWS sends whole call objects).
import type { Notification } from './read-notification.js';
import type { Call } from './types.js';

export type CallNotification = Extract<Notification, { kind: 'call' }>;

/** What one notification did to its call, for the checks that run after it. */
export interface CallChange {
  call: Call;
  /** first notification about this call */
  isNew: boolean;
  /** the call's state before this notification; null if it had none */
  previousState: string | null;
  /** the call's capabilities before this notification; null if none were known */
  previousCapabilities: string[] | null;
  /** `duration` (s) of the previous notification; null if unknown */
  previousDurationS: number | null;
  /** the notification carried a state other than the current one */
  isStateChange: boolean;
}

export interface CallModelBuilder {
  apply(notification: CallNotification): CallChange;
  get(id: string): Call | undefined;
  /** the consult call most recently seen with this parent; null if none */
  latestChildOf(parentId: string): string | null;
  /** all calls in order of first appearance */
  calls(): Call[];
}

/** A builder holding one session's calls; feed it notifications in stored order. */
export const createCallModel = (): CallModelBuilder => {
  const calls = new Map<string, Call>();
  // a session repeats a handful of capability lists a million times: keep one copy of each
  const capabilityLists = new Map<string, string[]>();
  const shared = (list: string[] | null, previous: string[] | null): string[] | null => {
    if (list === null) return null;
    // most notifications repeat the call's current list: compare before building a key
    if (previous !== null && previous.length === list.length && previous.every((c, i) => c === list[i])) {
      return previous;
    }
    const key = list.join(',');
    const known = capabilityLists.get(key);
    if (known) return known;
    capabilityLists.set(key, list);
    return list;
  };
  const durations = new Map<string, number>();
  const latestChild = new Map<string, string>();

  const apply = (notification: CallNotification): CallChange => {
    const snapshot = notification.call;
    const atMs = notification.row.atMs;
    let call = calls.get(snapshot.id);
    const isNew = call === undefined;
    if (call === undefined) {
      call = {
        id: snapshot.id,
        callUuid: null,
        connId: null,
        callType: null,
        parentId: null,
        participants: [],
        dnis: null,
        agentNumber: null,
        userData: null,
        capabilities: null,
        states: [],
        firstSeenMs: atMs,
        lastSeenMs: atMs,
        releasedAtMs: null,
        notificationCount: 0,
      };
      calls.set(snapshot.id, call);
    }
    const current = call.states.at(-1);
    const previousState = current?.state ?? null;
    const previousCapabilities = call.capabilities;
    const capabilities = shared(snapshot.capabilities, previousCapabilities);
    const previousDurationS = durations.get(call.id) ?? null;

    // the latest notification describes the whole call (GWS-NOTES §0); absent fields keep what was known
    call.callUuid = snapshot.callUuid ?? call.callUuid;
    call.connId = snapshot.connId ?? call.connId;
    call.callType = snapshot.callType ?? call.callType;
    if (snapshot.parentId !== null && snapshot.parentId !== call.parentId) {
      call.parentId = snapshot.parentId;
      latestChild.set(snapshot.parentId, call.id);
    }
    call.participants = snapshot.participants ?? call.participants;
    call.dnis = snapshot.dnis ?? call.dnis;
    call.agentNumber = notification.phoneNumber ?? call.agentNumber;
    // GWS omits userData when empty, so a notification without it means "none now"
    call.userData = snapshot.userData;
    call.capabilities = capabilities ?? call.capabilities;
    call.lastSeenMs = Math.max(call.lastSeenMs, atMs);
    call.notificationCount++;
    if (snapshot.durationS !== null) durations.set(call.id, snapshot.durationS);

    const isStateChange = snapshot.state !== null && snapshot.state !== previousState;
    if (isStateChange && snapshot.state !== null) {
      if (current) current.endMs = atMs;
      call.states.push({
        state: snapshot.state,
        atMs,
        endMs: null,
        messageRowId: notification.row.id,
        capabilities,
      });
      if (snapshot.state === 'Released' && call.releasedAtMs === null) call.releasedAtMs = atMs;
    }
    return { call, isNew, previousState, previousCapabilities, previousDurationS, isStateChange };
  };

  return {
    apply,
    get: (id) => calls.get(id),
    latestChildOf: (parentId) => latestChild.get(parentId) ?? null,
    calls: () => [...calls.values()],
  };
};
