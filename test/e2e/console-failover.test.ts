/**
 * The user's failover procedure (seeds/000), step by step, in a real browser: open the list of
 * protected servers, click a DR Pair ID, Failover to a chosen recovery point, watch "Failover
 * Processing" move on by itself, check the data, change the recovery point, and commit with
 * "Delete all associated recovery points" — ending committed, with no replication.
 */
import { expect, test } from 'vitest';
import type { DrPair } from '../../src/sim/types.js';
import {
  expectAccessible,
  markDocument,
  stillSameDocument,
  useConsole,
  waitForChange,
  waitForText,
} from './browser.js';

const consoleSession = useConsole();

test('the failover procedure, from the list of protected servers to a committed failover', async () => {
  const session = consoleSession();
  const { page, url, shot } = session;
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.name === 'db-01')!;
  expect(pair.status).toBe('REPLICATING');

  // Step 1–2: the root redirects to the list; the DR Pair ID opens the detail.
  await page.goto(url);
  expect(new URL(page.url()).pathname).toBe('/console');
  await page.getByRole('heading', { name: 'Server Disaster Recovery' }).waitFor();
  const row = page.locator(`tr[data-pair-row="${pair.id}"]`);
  await waitForText(row, 'Replicating');
  await shot('01-protected-servers');
  await row.getByRole('link', { name: pair.id }).click();
  await page.waitForURL(`**/console/pairs/${pair.id}`);
  await waitForText(page.locator('#pair-status'), 'Replicating');
  await shot('02-pair-detail-replicating');
  await markDocument(page);

  // Step 3–4: Failover opens the pop-up of recovery points, the latest preselected; pick another.
  await page.getByRole('button', { name: 'Failover', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Failover' });
  await dialog.waitFor();
  const radios = dialog.getByRole('radio');
  expect(await radios.count()).toBeGreaterThan(1);
  expect(await radios.first().isChecked()).toBe(true);
  const chosen = await radios.nth(1).getAttribute('value');
  await radios.nth(1).check();
  await shot('03-failover-dialog', { viewportOnly: true });
  await dialog.getByRole('button', { name: 'Failover', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });

  // Step 5: "Failover Processing" while the job runs; another client moving the clock moves the page.
  await waitForText(page.locator('#pair-status'), 'Failover Processing');
  await waitForText(page.locator('.panel-busy'), 'Replication is stopped completely during Failover');
  await shot('04-failover-processing', { viewportOnly: true });
  const before = await page.locator('.job-progress').first().textContent();
  await session.api('POST', '/_sim/clock/advance', { by: '20s' });
  await waitForChange(page, '.job-progress', before);

  // The rest from the simulation strip; the job succeeds and the page follows without a reload.
  await page.getByRole('button', { name: '+15 min' }).click();
  await waitForText(page.locator('#pair-status'), 'Failed Over');
  expect(await stillSameDocument(page)).toBe(true);
  const afterFailover = (await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair;
  expect(afterFailover.activeRecoveryPointId).toBe(chosen);

  // Step 7: the failover server's data next to the main server's data at that point.
  const check = page.locator('#data-check');
  await waitForText(check, 'match the main server');
  expect(await check.locator('.match-bad').count()).toBe(0);
  await shot('05-failed-over');
  await shot('pair-detail', { viewportOnly: true, docs: true });
  await check.getByRole('button', { name: 'etc/hostname' }).click();
  const fileDialog = page.getByRole('dialog', { name: 'etc/hostname' });
  await waitForText(fileDialog, 'db-01');
  await expectAccessible(page, 'file dialog');
  await fileDialog.getByRole('button', { name: 'Done' }).click();

  // Change Recovery Point: the same dialog; the newest point other than the current one is preselected.
  await page.getByRole('button', { name: 'Change Recovery Point' }).click();
  const change = page.getByRole('dialog', { name: 'Change Recovery Point' });
  await change.waitFor();
  const preselected = await change.locator('input[type="radio"]:checked').getAttribute('value');
  expect(preselected).not.toBe(chosen);
  // The point in use is not offered: changing to it would change nothing.
  expect(await change.locator(`input[value="${chosen}"]`).count()).toBe(0);
  await shot('06-change-recovery-point-dialog', { viewportOnly: true });
  await expectAccessible(page, 'change recovery point dialog');
  await change.getByRole('button', { name: 'Change Recovery Point' }).click();
  await waitForText(page.locator('#pair-status'), 'Changing Recovery Point');
  await page.getByRole('button', { name: '+15 min' }).click();
  await waitForText(page.locator('#pair-status'), 'Failed Over');
  expect(((await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair).activeRecoveryPointId).toBe(
    preselected,
  );

  // Step 8: Commit Failover, with "Delete all associated recovery points" checked.
  await page.getByRole('button', { name: 'Commit Failover' }).click();
  const commit = page.getByRole('dialog', { name: 'Commit Failover' });
  await waitForText(
    commit,
    'the standby server becomes the primary server and replication will no longer work',
  );
  await commit.getByRole('checkbox', { name: 'Delete all associated recovery points' }).check();
  await shot('07-commit-dialog', { viewportOnly: true });
  await expectAccessible(page, 'commit dialog (demo)');
  await commit.getByRole('button', { name: 'Commit Failover' }).click();
  await waitForText(page.locator('#pair-status'), 'Committing');
  await page.getByRole('button', { name: '+15 min' }).click();
  await waitForText(page.locator('#pair-status'), 'Committed');
  await waitForText(page.locator('[data-replication-health]'), 'replication no longer works');
  await waitForText(page.getByRole('heading', { name: /Recovery points/ }), '(0)');
  expect(await page.locator('.action-bar').count()).toBe(0);
  expect(await stillSameDocument(page)).toBe(true);
  await shot('08-committed');

  const committed = (await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair;
  expect(committed.status).toBe('COMMITTED');
  expect(committed.allowedActions).toEqual([]);
  expect(committed.shadowServer?.role).toBe('PRIMARY');
});
