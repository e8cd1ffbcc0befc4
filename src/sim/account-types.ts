/**
 * The account and usage shapes users see (decision 0012), apart from the code that computes
 * them: the published types reach this file and nothing that needs the engine or SQLite.
 */
import type { Iso, VolumeType } from './types.js';
export type AccountMode = 'postpaid' | 'prepaid';
export type UsageItem = 'shadowVolumes' | 'shadowServer' | 'transmission' | 'testServer' | 'testVolumes';
export const USAGE_ITEMS: readonly UsageItem[] = [
  'shadowVolumes',
  'shadowServer',
  'transmission',
  'testServer',
  'testVolumes',
];

export interface Rates {
  /** A label only: drsim converts nothing. */
  currency: string;
  /** Per GB of volume capacity per hour, by volume type (shadow and test volumes). */
  volumeGbHour: Record<VolumeType, number>;
  /** Per hour: the test server while it exists; a prepaid account's shadow server while it runs. */
  serverHour: number;
  /** Per GB sent to another region (shadow region ≠ main region). */
  transmissionGb: number;
}

/** drsim's own defaults, round numbers for tests — NOT the service's prices (decision 0012). */
export const DEFAULT_RATES: Rates = {
  currency: 'VND',
  volumeGbHour: { SSD: 4, NVMe: 6 },
  serverHour: 1500,
  transmissionGb: 800,
};

export interface AccountSettings {
  mode: AccountMode;
  /** The credit as last set, and when: fees since then are deducted from it. */
  credit: number;
  creditSetAtMs: number;
  rates: Rates;
}

export interface AccountInput {
  mode?: AccountMode;
  /** Sets the prepaid balance now (fees from now on are deducted from it). */
  creditBalance?: number;
  /** Replaces some rates; the rest keep their value. */
  rates?: {
    currency?: string;
    volumeGbHour?: Partial<Record<VolumeType, number>>;
    serverHour?: number;
    transmissionGb?: number;
  };
}

export interface AccountView {
  tenant: string;
  mode: AccountMode;
  currency: string;
  /** Prepaid: the credit left now (never below 0). Postpaid: null. */
  balance: number | null;
  /** Prepaid: fees the credit did not cover. Postpaid: 0. */
  unpaid: number;
  /** When the credit was last set (prepaid), else null. */
  creditSetAt: Iso | null;
  /** Every fee accrued up to now, all pairs, all time. */
  totalCost: number;
  rates: Rates;
  asOf: Iso;
}

export interface UsageLine {
  item: UsageItem;
  volumeType: VolumeType | null;
  quantity: number;
  unit: 'GB-hour' | 'hour' | 'GB';
  amount: number;
}
export interface UsageDay {
  /** The local calendar day (the world's time zone), `YYYY-MM-DD`. */
  date: string;
  items: UsageLine[];
  total: number;
}
export interface UsageReport {
  tenant: string;
  /** Null for the account's report (all pairs). */
  pairId: string | null;
  from: string;
  to: string;
  timeZone: string;
  currency: string;
  days: UsageDay[];
  /** Per pair over the whole range (the account's report only). */
  pairs?: { pairId: string; total: number }[];
  total: number;
  asOf: Iso;
}
