import type { Importance } from '../core/events.ts';
import type { Version } from '../core/version.ts';

/** How a simulated classifier version behaves. Shares are of all classified emails. */
export interface SimulatedBehaviour {
  shares: Record<Importance, number>;
  /** Share of critical classifications that are OTP messages (the v2 prompt's bug). */
  otpInCriticalShare: number;
  latencyMs: { median: number; p95: number };
  costUsd: number;
  errorShare: number;
  /** Share of critical classifications that users correct to another class. */
  criticalFpShare: number;
}

export const HEALTHY: SimulatedBehaviour = {
  shares: { critical: 0.15, time_sensitive: 0.25, routine: 0.6 },
  otpInCriticalShare: 0,
  latencyMs: { median: 700, p95: 1400 },
  costUsd: 0.001,
  errorShare: 0,
  criticalFpShare: 0.02,
};

const OTP_SNIPPETS = [
  'Your verification code is 482913',
  'G-771204 is your Google verification code',
  'Use 5521 as your one-time passcode',
  'Your login code: 339102',
];
const ORDINARY_SNIPPETS = [
  'Quarterly board meeting moved to Thursday',
  'Your invoice #4471 is overdue',
  'Weekly newsletter: footprint of cloud costs',
  'Promo code SAVE10 inside',
];

/** Small, seedable generator (mulberry32) so simulated traffic is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimulationWindow {
  version: Version;
  behaviour: SimulatedBehaviour;
  /** Epoch ms of the first and (exclusive) last event. */
  from: number;
  to: number;
  emailsPerMinute: number;
  idPrefix: string;
  random: () => number;
}

/** Classification events and the corrections users make to them, spread evenly over the window. */
export function* simulateTraffic(window: SimulationWindow): Generator<Record<string, unknown>> {
  const { behaviour, random } = window;
  const total = Math.floor(((window.to - window.from) / 60_000) * window.emailsPerMinute);
  const step = (window.to - window.from) / Math.max(total, 1);
  for (let index = 0; index < total; index += 1) {
    const ts = new Date(Math.floor(window.from + index * step)).toISOString();
    const importance = pickImportance(behaviour.shares, random());
    const otp = importance === 'critical' && random() < behaviour.otpInCriticalShare;
    const pool = otp ? OTP_SNIPPETS : ORDINARY_SNIPPETS;
    const id = `${window.idPrefix}-${index}`;
    yield {
      type: 'classification',
      id,
      ts,
      version: window.version,
      importance,
      latencyMs: Math.round(latency(behaviour.latencyMs, random())),
      costUsd: behaviour.costUsd,
      snippet: pool[Math.floor(random() * pool.length)],
      error: random() < behaviour.errorShare,
    };
    if (importance === 'critical' && random() < behaviour.criticalFpShare) {
      yield {
        type: 'correction',
        id: `${id}-fix`,
        ts,
        version: window.version,
        emailId: id,
        oldImportance: 'critical',
        newImportance: 'routine',
      };
    }
  }
}

function pickImportance(shares: Record<Importance, number>, roll: number): Importance {
  if (roll < shares.critical) return 'critical';
  if (roll < shares.critical + shares.time_sensitive) return 'time_sensitive';
  return 'routine';
}

/** Log-normal latency with the given median and p95. */
function latency({ median, p95 }: { median: number; p95: number }, roll: number): number {
  const sigma = Math.log(p95 / median) / 1.6449;
  const z = inverseNormal(Math.min(Math.max(roll, 1e-9), 1 - 1e-9));
  return median * Math.exp(sigma * z);
}

/** Acklam's rational approximation of the standard normal quantile. */
function inverseNormal(p: number): number {
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
    2.50662827745924,
  ];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497,
    2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const low = 0.02425;
  const poly = (coefficients: number[], x: number) => coefficients.reduce((sum, k) => sum * x + k, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
