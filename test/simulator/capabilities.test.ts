import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/gws/index.js';
import { capabilitiesOf } from '../../src/simulator/capabilities.js';
import { createRingingCall, createTransferConsult, makeSwitchboard } from '../helpers/simulator-fixtures.js';

describe('capabilities', () => {
  it('keeps the seed lists for the seed situations and derives the consult Established one with Hold', () => {
    const { model, agents } = makeSwitchboard();
    const me = agents.default;
    const parent = createRingingCall(model, me);
    expect(capabilitiesOf(parent, model)).toEqual([...CAPABILITIES.ringing]);
    parent.state = 'Held';
    const consult = createTransferConsult(model, me, parent);
    expect(capabilitiesOf(parent, model)).toEqual([...CAPABILITIES.held]);
    expect(capabilitiesOf(consult, model)).toEqual([...CAPABILITIES.consultDialing]);
    consult.state = 'Established';
    expect(capabilitiesOf(consult, model)).toEqual([
      'UpdateUserData',
      'DeleteUserData',
      'Hangup',
      'SwapCalls',
      'CompleteTransfer',
      'SendDtmf',
      'Hold',
      'AttachUserData',
      'DeleteUserDataPair',
    ]);
    parent.state = 'Released';
    expect(capabilitiesOf(consult, model)).not.toContain('CompleteTransfer');
    expect(capabilitiesOf(parent, model)).toEqual([]);
  });

  it('offers no Answer on a Public device and Dial lists on an own outbound call', () => {
    const { model, agents } = makeSwitchboard({
      agents: [{ phoneNumber: '5005', telephonyNetwork: 'Public' }],
    });
    const me = agents.default;
    const ringing = model.create({
      agent: me,
      state: 'Ringing',
      callType: 'Inbound',
      participants: ['+33123456789'],
      dnis: '5005',
    });
    expect(capabilitiesOf(ringing, model)).toEqual(CAPABILITIES.ringing.filter((n) => n !== 'Answer'));
    const dialing = model.create({
      agent: me,
      state: 'Dialing',
      callType: 'Internal',
      participants: ['5001'],
      dnis: '5001',
    });
    expect(capabilitiesOf(dialing, model)).toEqual([...CAPABILITIES.dialing]);
  });
});
