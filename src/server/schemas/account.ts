/**
 * Accounts and costs as the API shows them (src/sim/accounts.ts, decision 0012): the account
 * with its balance and rates, usage reports per day, and the control API's account change.
 */
import { z } from '@hono/zod-openapi';
import { USAGE_ITEMS } from '../../sim/accounts.js';

const Money = z.number().min(0).max(1e15);
const Rate = Money.openapi({ example: 4 });
const VolumeType = z.enum(['SSD', 'NVMe']);
const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ example: '2026-01-05' });

export const RatesSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .openapi({ example: 'VND' }),
    volumeGbHour: z.object({ SSD: Rate, NVMe: Rate }),
    serverHour: Rate,
    transmissionGb: Rate,
  })
  .openapi('Rates', {
    description:
      "Prices per unit: volume capacity per GB-hour by type (shadow and test volumes), a server per hour (the test server; a prepaid account's running shadow server), data sent to another region per GB. drsim's defaults, not the service's prices.",
  });

export const AccountSchema = z
  .object({
    tenant: z.string(),
    mode: z.enum(['postpaid', 'prepaid']),
    currency: z.string(),
    balance: Money.nullable().openapi({
      description: 'Prepaid: the credit left now (never below 0). Postpaid: null.',
    }),
    unpaid: Money.openapi({ description: 'Prepaid: fees since the credit was set that it did not cover.' }),
    creditSetAt: z.string().nullable(),
    totalCost: Money.openapi({ description: 'Every fee accrued up to now, all pairs.' }),
    rates: RatesSchema,
    asOf: z.string().openapi({ description: 'The simulated time the figures are for.' }),
  })
  .openapi('Account');

export const AccountInputSchema = z
  .object({
    mode: z.enum(['postpaid', 'prepaid']).optional(),
    creditBalance: Money.optional().openapi({
      description: 'Prepaid only: sets the balance now; fees from now on are deducted from it.',
      example: 2_000_000,
    }),
    rates: z
      .object({
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
        volumeGbHour: z.object({ SSD: Rate.optional(), NVMe: Rate.optional() }).strict().optional(),
        serverHour: Rate.optional(),
        transmissionGb: Rate.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('AccountInput');

const UsageLineSchema = z.object({
  item: z.enum(USAGE_ITEMS as unknown as [string, ...string[]]),
  volumeType: VolumeType.nullable(),
  quantity: z.number().min(0),
  unit: z.enum(['GB-hour', 'hour', 'GB']),
  amount: Money,
});

export const UsageReportSchema = z
  .object({
    tenant: z.string(),
    pairId: z.string().nullable(),
    from: DateText,
    to: DateText,
    timeZone: z.string(),
    currency: z.string(),
    days: z.array(
      z.object({
        date: DateText,
        items: z.array(UsageLineSchema),
        total: Money,
      }),
    ),
    pairs: z.array(z.object({ pairId: z.string(), total: Money })).optional(),
    total: Money,
    asOf: z.string(),
  })
  .openapi('UsageReport');

export const UsageQuerySchema = z.object({
  from: DateText.optional().openapi({
    description: 'First local day (YYYY-MM-DD); default 29 days before `to`.',
  }),
  to: DateText.optional().openapi({ description: 'Last local day (YYYY-MM-DD), included; default today.' }),
});
