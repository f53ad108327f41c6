// Turns API pages (calls, operations, notifications) into vis-timeline groups and items: data only, no timeline.
import { notificationCallId, notificationLabel } from './details.js';
import { classSafe, h, shortId } from './dom.js';

export const DEVICE_LANE = '__device';
const KNOWN_STATES = new Set(['Ringing', 'Dialing', 'Established', 'Held', 'Released']);
/** Rows inside a lane, top to bottom when stacked: notifications, requests, state bars. */
const SUBGROUP = { states: 2, requests: 1, notifications: 0 };

const stateClass = (state) => `state state-${KNOWN_STATES.has(state) ? state : 'other'}`;

const laneLabel = (call) =>
  h(
    'div',
    { className: `lane-label depth-${Math.min(call.depth, 3)}`, dataset: { callId: call.id } },
    call.depth > 0 ? h('span', { className: 'lane-arrow' }, '↳ ') : null,
    h('span', { className: 'lane-type' }, call.callType ?? 'Call'),
    ' ',
    h('span', { className: 'lane-id mono' }, shortId(call.id)),
    h('span', { className: 'lane-parties' }, call.participants.join(', ')),
  );

/**
 * Groups (a lane per call, in the API's tree order, plus an agent/device lane when needed) and items (state bars,
 * request boxes, notification points). Item content is DOM built from text, never HTML. `byId` maps each item id
 * to what it shows: { kind: 'state' | 'operation' | 'notification', data }.
 */
export const timelineData = (callPage, opPage, notePage, { toDate, withDeviceLane }) => {
  const groups = [];
  const items = [];
  const byId = new Map();
  callPage.items.forEach((call, order) => {
    groups.push({
      id: call.id,
      content: laneLabel(call),
      order,
      className: call.depth > 0 ? 'lane consult' : 'lane',
      subgroupOrder: 'subgroupOrder',
    });
    call.states.forEach((s, i) => {
      // Released ends the lane's bar; its notification point marks the moment
      if (s.state === 'Released' && s.endMs === null) return;
      const id = `s:${call.id}:${i}`;
      const endMs = s.endMs ?? call.untilMs;
      byId.set(id, { kind: 'state', data: s });
      items.push({
        id,
        group: call.id,
        subgroup: 'states',
        subgroupOrder: SUBGROUP.states,
        start: toDate(s.atMs),
        ...(endMs <= s.atMs ? { type: 'point' } : { end: toDate(endMs), type: 'range' }),
        content: h('span', {}, s.state),
        className: `${stateClass(s.state)} msg-state-${s.messageRowId}`,
      });
    });
  });
  const hasDeviceRows =
    opPage.items.some((op) => op.callId === null) ||
    notePage.items.some((m) => notificationCallId(m) === null && m.message?.data?.messageType);
  if (hasDeviceRows && withDeviceLane) {
    groups.push({
      id: DEVICE_LANE,
      content: h('div', { className: 'lane-label' }, h('span', { className: 'lane-type' }, 'Agent / device')),
      order: -1,
      className: 'lane device',
      subgroupOrder: 'subgroupOrder',
    });
  }
  const laneOf = (callId) => (callId === null ? DEVICE_LANE : callId);
  const shown = new Set(groups.map((g) => g.id));
  for (const op of opPage.items) {
    const lane = [op.callId, op.params?.consultCallId].find((c) => c && shown.has(c)) ?? laneOf(null);
    if (!shown.has(lane)) continue;
    const id = `op:${op.exchangeId}`;
    byId.set(id, { kind: 'operation', data: op });
    items.push({
      id,
      group: lane,
      subgroup: 'requests',
      subgroupOrder: SUBGROUP.requests,
      start: toDate(op.startMs),
      type: 'box',
      content: h('span', {}, op.operationName),
      className: `request op-${op.exchangeId}${op.isAccepted ? '' : ' failed'}`,
    });
  }
  for (const m of notePage.items) {
    const lane = laneOf(notificationCallId(m));
    if (!shown.has(lane)) continue;
    const id = `m:${m.id}`;
    byId.set(id, { kind: 'notification', data: m });
    items.push({
      id,
      group: lane,
      subgroup: 'notifications',
      subgroupOrder: SUBGROUP.notifications,
      start: toDate(m.atMs),
      type: 'point',
      content: h('span', {}, notificationLabel(m)),
      className: `notification msg-${m.id} note-${classSafe(notificationLabel(m))}`,
    });
  }
  return { groups, items, byId };
};
