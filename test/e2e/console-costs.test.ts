/**
 * What a pair costs, on its page (issue #12 item 7): the account (prepaid, with its balance)
 * and the pair's usage per day with each billed item, readable and accessible.
 */
import { expect, test } from 'vitest';
import type { DrPair } from '../../src/sim/types.js';
import { expectAccessible, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole();

test('the pair page shows the account and the costs per day, accessibly', async () => {
  const session = consoleSession();
  const { page, url } = session;
  await session.api('PUT', '/_sim/account', { mode: 'prepaid', creditBalance: 5_000_000 });
  await session.api('POST', '/_sim/clock/advance', { by: '1d' });
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.status === 'REPLICATING')!;
  const usage = (await session.api('GET', `/v1/dr-pairs/${pair.id}/usage`)) as {
    total: number;
    days: { date: string; items: { item: string }[] }[];
  };
  expect(usage.total).toBeGreaterThan(0);

  await page.goto(`${url}/console/pairs/${pair.id}`);
  const costs = page.locator('#costs');
  await waitForText(costs, 'Prepaid, balance');
  expect(await costs.locator('#pair-costs').getAttribute('data-total')).toBe(String(usage.total));
  const billed = usage.days.filter((d) => d.items.length > 0).at(-1)!;
  await waitForText(costs.locator(`tr[data-usage-day="${billed.date}"]`).first(), 'Shadow volumes');
  expect(await costs.locator(`tr[data-usage-day="${billed.date}"]`).count()).toBe(billed.items.length);
  await expectAccessible(page, 'pair page with costs');
});
