// The demo's call scenarios, as an agent desktop plays them against a GWS server (the simulator plays everyone else).
import type { Call } from '../gws/index.js';
import type { AgentDesktop, RestReply, Scenario, ScenarioContext } from './types.js';

const CALLER = '5000';
const TRANSFER_TARGET = '5001';
const CONFERENCE_TARGET = '5002';

const is =
  (id: string, state: Call['state']) =>
  (call: Call): boolean =>
    call.id === id && call.state === state;

const pause = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** Throws unless GWS accepted the request (HTTP 200, statusCode 0): a scenario that goes wrong must say where. */
const accepted = (what: string, reply: RestReply): RestReply => {
  const statusCode = (reply.body as { statusCode?: unknown } | null)?.statusCode;
  if (reply.status !== 200 || statusCode !== 0) {
    throw new Error(`${what} was refused: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return reply;
};

/** An inbound call from the caller rings at the agent and is answered; resolves with its id. */
const answerInbound = async ({ agent, farEnd, thinkMs }: ScenarioContext): Promise<string> => {
  const id = await farEnd.ring(agent.phoneNumber, CALLER);
  await agent.nextCall(is(id, 'Ringing'));
  await pause(thinkMs);
  accepted('Answer', await agent.operation(id, 'Answer'));
  await agent.nextCall(is(id, 'Established'));
  return id;
};

/** InitiateTransfer/InitiateConference: the call is held, then a consult call dials; resolves with the consult id. */
const startConsult = async (agent: AgentDesktop, parentId: string, operation: string, to: string) => {
  accepted(operation, await agent.operation(parentId, operation, { destination: { phoneNumber: to } }));
  await agent.nextCall(is(parentId, 'Held'));
  const consult = await agent.nextCall((c) => c.callType === 'Consult' && c.state === 'Dialing');
  return consult.id;
};

const hangUpAndWait = async (agent: AgentDesktop, id: string): Promise<void> => {
  accepted('Hangup', await agent.operation(id, 'Hangup'));
  await agent.nextCall(is(id, 'Released'));
};

/** The seed's Sample 2: InitiateTransfer, then CompleteTransfer on the consult call, both calls Released. */
export const twoStepTransfer: Scenario = {
  name: 'two-step-transfer',
  description: `inbound call answered, transferred in two steps to ${TRANSFER_TARGET} (the seed's Sample 2)`,
  run: async (context) => {
    const { agent, thinkMs } = context;
    const id = await answerInbound(context);
    await pause(thinkMs);
    const consultId = await startConsult(agent, id, 'InitiateTransfer', TRANSFER_TARGET);
    await pause(thinkMs);
    accepted('CompleteTransfer', await agent.operation(consultId, 'CompleteTransfer'));
    await agent.nextCall(is(id, 'Released'));
    await agent.nextCall(is(consultId, 'Released'));
  },
};

export const singleStepTransfer: Scenario = {
  name: 'single-step-transfer',
  description: `inbound call answered, transferred in one step to ${CONFERENCE_TARGET}`,
  run: async (context) => {
    const id = await answerInbound(context);
    await pause(context.thinkMs);
    const reply = await context.agent.operation(id, 'SingleStepTransfer', {
      destination: { phoneNumber: CONFERENCE_TARGET },
    });
    accepted('SingleStepTransfer', reply);
    await context.agent.nextCall(is(id, 'Released'));
  },
};

export const conference: Scenario = {
  name: 'conference',
  description: `inbound call answered, ${CONFERENCE_TARGET} consulted and conferenced in, then the agent leaves`,
  run: async (context) => {
    const { agent, farEnd, thinkMs } = context;
    const id = await answerInbound(context);
    const consultId = await startConsult(agent, id, 'InitiateConference', CONFERENCE_TARGET);
    await farEnd.answer(consultId);
    await agent.nextCall(is(consultId, 'Established'));
    await pause(thinkMs);
    accepted('CompleteConference', await agent.operation(consultId, 'CompleteConference'));
    await agent.nextCall(is(consultId, 'Released'));
    await agent.nextCall((c) => c.id === id && c.state === 'Established' && c.participants.length >= 2);
    await pause(thinkMs);
    await hangUpAndWait(agent, id);
  },
};

export const holdRetrieve: Scenario = {
  name: 'hold-retrieve',
  description: 'inbound call answered, held, retrieved, then the caller hangs up',
  run: async (context) => {
    const { agent, farEnd, thinkMs } = context;
    const id = await answerInbound(context);
    accepted('Hold', await agent.operation(id, 'Hold'));
    await agent.nextCall(is(id, 'Held'));
    await pause(thinkMs);
    accepted('Retrieve', await agent.operation(id, 'Retrieve'));
    await agent.nextCall(is(id, 'Established'));
    await pause(thinkMs);
    await farEnd.hangup(id);
    await agent.nextCall(is(id, 'Released'));
  },
};

/** The consult party hangs up before the agent completes: CompleteTransfer is refused, the agent retrieves. */
export const failedCompleteTransfer: Scenario = {
  name: 'failed-complete-transfer',
  description: `transfer to ${TRANSFER_TARGET} whose consult hangs up first: CompleteTransfer fails, the call is retrieved`,
  run: async (context) => {
    const { agent, farEnd, thinkMs } = context;
    const id = await answerInbound(context);
    const consultId = await startConsult(agent, id, 'InitiateTransfer', TRANSFER_TARGET);
    await farEnd.hangup(consultId);
    await agent.nextCall(is(consultId, 'Released'));
    const refused = await agent.operation(consultId, 'CompleteTransfer');
    if ((refused.body as { statusCode?: unknown } | null)?.statusCode === 0) {
      throw new Error(
        'CompleteTransfer on a released consult call was accepted; the scenario expects a refusal',
      );
    }
    await pause(thinkMs);
    accepted('Retrieve', await agent.operation(id, 'Retrieve'));
    await agent.nextCall(is(id, 'Established'));
    await hangUpAndWait(agent, id);
  },
};

export const attachedUserData: Scenario = {
  name: 'attached-user-data',
  description: 'inbound call answered, user data attached, updated and a key deleted, then hung up',
  run: async (context) => {
    const { agent, thinkMs } = context;
    const id = await answerInbound(context);
    const changed = (key: string, present: boolean) => (call: Call) =>
      call.id === id && (call.userData?.[key] !== undefined) === present;
    accepted(
      'AttachUserData',
      await agent.operation(id, 'AttachUserData', { userData: { AccountNumber: '12345' } }),
    );
    await agent.nextCall(changed('AccountNumber', true));
    await pause(thinkMs);
    const update = { userData: { AccountNumber: '12345', Reason: 'Billing' } };
    accepted('UpdateUserData', await agent.operation(id, 'UpdateUserData', update));
    await agent.nextCall(changed('Reason', true));
    accepted('DeleteUserDataPair', await agent.operation(id, 'DeleteUserDataPair', { key: 'Reason' }));
    await agent.nextCall(changed('Reason', false));
    await hangUpAndWait(agent, id);
  },
};

/** Every scenario of the demo, in the order it plays them. */
export const SCENARIOS: readonly Scenario[] = [
  twoStepTransfer,
  singleStepTransfer,
  conference,
  holdRetrieve,
  failedCompleteTransfer,
  attachedUserData,
];
