// The simulated agents: one DN (device) each, their user record, agent state and DND, found by DN, user name or device.
import { createHash } from 'node:crypto';
import {
  type DeviceState,
  type OnOff,
  type TelephonyNetwork,
  USER_STATES,
  type UserState,
} from '../gws/index.js';

/** How one agent is configured; everything but `phoneNumber` has a default. */
export interface AgentConfig {
  /** the agent's DN, e.g. "5005"; also accepted as its user name */
  phoneNumber: string;
  /** Basic-auth user name that selects this agent; default `agent<phoneNumber>` */
  userName?: string;
  firstName?: string;
  lastName?: string;
  /** 32 lowercase hex; default derived from the DN, so it is stable across runs */
  userId?: string;
  /** lowercase UUID; default derived from the DN, so it is stable across runs */
  deviceId?: string;
  /** `data.extensions` of this agent's call notifications; null leaves the key out. Default seed Sample 2's */
  extensions?: Record<string, number> | null;
  /** calls carry `"monitoring":false` (seed Sample 1's server does, Sample 2's does not); default false */
  hasMonitoringField?: boolean;
  /** a Released consult call no longer carries `parentCallUri` (seed Sample 1); default false (Sample 2) */
  dropsParentCallUriOnRelease?: boolean;
  /** Established calls offer MuteCall (not in the seed's lists, so off by default) */
  canMute?: boolean;
  /** `Public` devices cannot Answer (GWS-NOTES §4); default `Private` */
  telephonyNetwork?: TelephonyNetwork;
}

/** A configured agent and its mutable device state. */
export interface Agent {
  readonly phoneNumber: string;
  readonly userName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly extensions: Record<string, number> | null;
  readonly hasMonitoringField: boolean;
  readonly dropsParentCallUriOnRelease: boolean;
  readonly canMute: boolean;
  readonly telephonyNetwork: TelephonyNetwork;
  userState: UserState;
  deviceState: DeviceState;
  doNotDisturb: OnOff;
}

/** The seed's DNs and devices: 5005 is Sample 2's agent, 15000 Sample 1's; 5001 and 5002 are plain agents. */
export const DEFAULT_AGENTS: readonly AgentConfig[] = [
  { phoneNumber: '5005', deviceId: 'efe1ab32-53f9-43ce-b65e-5768c61f7d4a' },
  {
    phoneNumber: '15000',
    deviceId: '631608b3-ceb1-472b-ba05-2ae39555b0d1',
    extensions: { BusinessCall: 0 },
    hasMonitoringField: true,
    dropsParentCallUriOnRelease: true,
  },
  { phoneNumber: '5001' },
  { phoneNumber: '5002' },
];

/** Who "me" is when a request carries no credentials. */
export const DEFAULT_AGENT_PHONE_NUMBER = '5005';

const SEED_EXTENSIONS = { WrapUpTime: 0, BusinessCall: 0 };

const stableHex = (what: string, phoneNumber: string): string =>
  createHash('sha256').update(`gws-vcr simulator ${what} ${phoneNumber}`).digest('hex');

/** A UUID v4 shape from a stable hash, so default ids do not change between runs. */
const stableUuid = (phoneNumber: string): string => {
  const hex = stableHex('device', phoneNumber);
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const createAgent = (config: AgentConfig): Agent => ({
  phoneNumber: config.phoneNumber,
  userName: config.userName ?? `agent${config.phoneNumber}`,
  firstName: config.firstName ?? 'Agent',
  lastName: config.lastName ?? config.phoneNumber,
  userId: config.userId ?? stableHex('user', config.phoneNumber).slice(0, 32),
  deviceId: config.deviceId ?? stableUuid(config.phoneNumber),
  extensions: config.extensions === undefined ? { ...SEED_EXTENSIONS } : config.extensions,
  hasMonitoringField: config.hasMonitoringField ?? false,
  dropsParentCallUriOnRelease: config.dropsParentCallUriOnRelease ?? false,
  canMute: config.canMute ?? false,
  telephonyNetwork: config.telephonyNetwork ?? 'Private',
  userState: USER_STATES.NotReady,
  deviceState: 'Active',
  doNotDisturb: 'Off',
});

/** All agents of one simulator; lookups never throw. */
export class AgentDirectory {
  readonly default: Agent;
  private readonly agents: Agent[];

  /** Throws on a config that cannot work (duplicate DN, unknown default): a programmer's or user's setup error. */
  constructor(configs: readonly AgentConfig[], defaultPhoneNumber: string) {
    this.agents = configs.map(createAgent);
    const numbers = new Set<string>();
    for (const agent of this.agents) {
      if (numbers.has(agent.phoneNumber))
        throw new Error(`two agents have the phone number ${agent.phoneNumber}`);
      numbers.add(agent.phoneNumber);
    }
    const fallback = this.byPhoneNumber(defaultPhoneNumber);
    if (fallback === undefined) {
      throw new Error(`the default agent ${defaultPhoneNumber} is not among the configured agents`);
    }
    this.default = fallback;
  }

  all(): readonly Agent[] {
    return this.agents;
  }

  byPhoneNumber(phoneNumber: string): Agent | undefined {
    return this.agents.find((a) => a.phoneNumber === phoneNumber);
  }

  /** A Basic-auth user name selects the agent with that user name, or with that DN. */
  byUserName(userName: string): Agent | undefined {
    return this.agents.find((a) => a.userName === userName) ?? this.byPhoneNumber(userName);
  }

  byDeviceId(deviceId: string): Agent | undefined {
    return this.agents.find((a) => a.deviceId === deviceId);
  }
}
