/**
 * The main server's drives and the pair's settings on the pair page (decision 0011): a volume
 * added through its dialog makes the shadow differ (the page says so and offers Restart
 * Replication), and "Change settings" changes the interval and the shadow's flavor.
 */
import { expect, test } from 'vitest';
import type { DrPair, Server } from '../../src/sim/types.js';
import { expectAccessible, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole();

test('add a volume to the main, see the shadow differ, change the interval and flavor', async () => {
  const session = consoleSession();
  const { page, url } = session;
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.status === 'REPLICATING' && p.shadowServer !== null)!;
  await page.goto(`${url}/console/pairs/${pair.id}`);
  await page.locator('#pair-status').waitFor();
  await expect(page.locator('[data-shadow-matches]').getAttribute('data-shadow-matches')).resolves.toBe(
    'true',
  );

  await page.getByRole('button', { name: 'Add a volume' }).click();
  const add = page.getByRole('dialog', { name: /Add a volume to/ });
  await add.getByLabel('Size (GB)').fill('120');
  await expectAccessible(page, 'add-volume dialog');
  await add.getByRole('button', { name: 'Add' }).click();
  await add.waitFor({ state: 'hidden' });
  await waitForText(page.locator('#shadow-drives-differ'), 'no longer match');
  const main = (await session.api('GET', `/v1/servers/${pair.mainServer.id}`)) as Server;
  expect(main.volumes.at(-1)).toMatchObject({ sizeGb: 120, type: 'SSD' });

  await page.getByRole('button', { name: 'Change settings' }).click();
  const settings = page.getByRole('dialog', { name: /Change settings of/ });
  await settings.getByLabel('Interval time').selectOption('4');
  await expectAccessible(page, 'change-settings dialog');
  await settings.getByRole('button', { name: 'Save' }).click();
  await settings.waitFor({ state: 'hidden' });
  const changed = (await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair;
  expect(changed.replication.intervalHours).toBe(4);
  await expectAccessible(page, 'pair page with differing drives');
});
