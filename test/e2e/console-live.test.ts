/**
 * Live updates keep your place: the server pushes the tenant's changes and the page morphs
 * them in, so keyboard focus and a text selection survive 20 updates; when the server goes
 * away a banner says the data may be stale, and it goes once the server is back.
 */

import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { startServer } from '../../src/server/serve.js';
import type { DrPair } from '../../src/sim/types.js';
import { focusedText, markDocument, stillSameDocument, useConsole } from './browser.js';

const consoleSession = useConsole();

// The tsconfig has no DOM types: the page-side code runs as strings.
const updates = (page: Page) => page.evaluate<number>('window.drsimUpdates');

test('focus and a text selection survive 20 live updates; a stale banner comes and goes with the server', async () => {
  const session = consoleSession();
  const { page, url } = session;
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.name === 'db-01')!;
  await page.goto(`${url}/console/pairs/${pair.id}`);
  await page.locator('#pair-status').waitFor();
  await markDocument(page);

  // Select the pair's name in the heading, then put keyboard focus on a button of the page.
  await page.evaluate(`(() => {
    const text = document.querySelector('h1').firstChild;
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(text, 'db-01'.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  })()`);
  await page.getByRole('button', { name: 'Test Failover' }).focus();

  // Another tenant's changes do not reach this page.
  const quiet = await updates(page);
  const other = { Authorization: 'Bearer someone-else', 'Content-Type': 'application/json' };
  await fetch(`${url}/v1/servers`, {
    method: 'POST',
    headers: other,
    body: JSON.stringify({ name: 'elsewhere', region: 'HCM-3' }),
  });
  await fetch(`${url}/_sim/clock/advance`, { method: 'POST', headers: other, body: '{"by":"1h"}' });
  await page.waitForTimeout(1500);
  expect(await updates(page)).toBe(quiet);

  for (let i = 0; i < 20; i++) {
    const before = await updates(page);
    // Another client moves time on: a new recovery point of this pair each time.
    await session.api('POST', '/_sim/clock/advance', { by: '15m' });
    await page.waitForFunction(
      (n) => (globalThis as unknown as { drsimUpdates: number }).drsimUpdates > n,
      before,
    );
  }
  expect(await updates(page)).toBeGreaterThanOrEqual(20);
  await expect.poll(() => focusedText(page)).toBe('Test Failover');
  expect(await page.evaluate<string>('getSelection().toString()')).toBe('db-01');
  expect(await stillSameDocument(page)).toBe(true);

  // The server goes away: within 5 s a banner says so, with the time of the last update.
  const banner = page.locator('#live-banner');
  expect(await banner.isVisible()).toBe(false);
  const port = session.server.port;
  await session.server.close();
  await banner.waitFor({ state: 'visible', timeout: 5000 });
  expect(await banner.textContent()).toMatch(/may be out of date: last updated at \d/);
  expect(await page.getByRole('status').filter({ hasText: 'Live updates stopped' }).count()).toBe(1);

  // It comes back on the same port: the page reconnects by itself and the banner goes.
  const again = await startServer({ port, demo: true, logger: silentLogger });
  try {
    await banner.waitFor({ state: 'hidden', timeout: 15_000 });
    expect(await stillSameDocument(page)).toBe(true);
  } finally {
    await again.close();
  }
});
