/**
 * Step 6 of the procedure, the failover error, in a real browser: a fault rule added from the
 * simulation panel makes the failover fail; the pair shows the job's error and the three ways
 * out (Restart Replication, Failover again, Contact support); failing over again succeeds.
 */
import { expect, test } from 'vitest';
import type { DrPair, Job } from '../../src/sim/types.js';
import { expectAccessible, markDocument, stillSameDocument, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole();

test('a failed failover shows its error and the three ways out; failing over again succeeds', async () => {
  const session = consoleSession();
  const { page, url, shot } = session;
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.name === 'app-01')!;

  // The fault rule, from the simulation panel: this pair's next failover fails once.
  await page.goto(`${url}/console/simulation`);
  const form = page.getByRole('form', { name: 'Add a fault rule' });
  await form.getByLabel('Target').selectOption('failover');
  await form.getByLabel('DR pair').selectOption(pair.id);
  await form.getByLabel('Effect').selectOption('fail');
  await form.getByLabel('Error code').selectOption('COPY_FAILED');
  await form.getByLabel('Error message').fill('The copy to the failover server was interrupted.');
  await form.getByLabel('Times').fill('1');
  await form.getByRole('button', { name: 'Add fault rule' }).click();
  const rules = page.getByRole('region', { name: 'Fault rules' });
  await waitForText(rules, 'COPY_FAILED');
  await shot('11-fault-rule-added');
  await expectAccessible(page, 'simulation panel with a fault rule');

  // The procedure up to the failover, from the list.
  await page.getByRole('link', { name: 'Server Disaster Recovery' }).click();
  await page.getByRole('link', { name: pair.id }).click();
  await waitForText(page.locator('#pair-status'), 'Pending');
  await markDocument(page);
  await page.getByRole('button', { name: 'Failover', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Failover' });
  const first = await dialog.locator('input[type="radio"]:checked').getAttribute('value');
  await dialog.getByRole('button', { name: 'Failover', exact: true }).click();
  await waitForText(page.locator('#pair-status'), 'Failover Processing');
  await page.getByRole('button', { name: '+15 min' }).click();

  // The error, with its code, and the three ways out.
  await waitForText(page.locator('#pair-status'), 'Failover Error');
  const panel = page.getByRole('region', { name: 'Failover failed' });
  await waitForText(panel, 'COPY_FAILED');
  await waitForText(panel, 'The copy to the failover server was interrupted.');
  await expectAccessible(page, 'failover error');
  for (const name of ['Restart Replication', 'Failover again', 'Contact support']) {
    await panel.getByRole('button', { name }).waitFor();
  }
  expect(await stillSameDocument(page)).toBe(true);
  await shot('12-failover-error');

  // Contact support: the ids and code, and a summary to copy into a ticket.
  const jobs = (await session.api('GET', `/v1/dr-pairs/${pair.id}/jobs`)) as { items: Job[] };
  const failed = jobs.items.find((job) => job.type === 'failover' && job.status === 'FAILED')!;
  await panel.getByRole('button', { name: 'Contact support' }).click();
  const support = page.getByRole('dialog', { name: 'Contact support' });
  await waitForText(support, failed.id);
  await waitForText(support, pair.id);
  const summary = await support.getByLabel('Diagnostic summary').inputValue();
  expect(summary).toContain(`Job: ${failed.id}`);
  expect(summary).toContain('Error code: COPY_FAILED');
  await support.getByRole('button', { name: 'Copy summary' }).click();
  await shot('13-contact-support', { viewportOnly: true });
  await expectAccessible(page, 'contact support dialog');
  await support.getByRole('button', { name: 'Done' }).click();
  await support.waitFor({ state: 'hidden' });

  // Failover again: another recovery point is preselected; this time it succeeds (the rule fired once).
  await panel.getByRole('button', { name: 'Failover again' }).click();
  const again = page.getByRole('dialog', { name: 'Failover' });
  await again.waitFor();
  const second = await again.locator('input[type="radio"]:checked').getAttribute('value');
  expect(second).not.toBe(first);
  const note = await again.locator('[data-failed-point]').textContent();
  expect(note).toContain(first);
  expect(note).toContain('is preselected instead');
  await shot('14-failover-again-dialog', { viewportOnly: true });
  await expectAccessible(page, 'failover again dialog');
  await again.getByRole('button', { name: 'Failover', exact: true }).click();
  await waitForText(page.locator('#pair-status'), 'Failover Processing');
  await page.getByRole('button', { name: '+15 min' }).click();
  await waitForText(page.locator('#pair-status'), 'Failed Over');
  await waitForText(page.locator('#data-check'), 'match the main server');
  expect(await stillSameDocument(page)).toBe(true);
  await shot('15-failed-over-after-retry');

  const after = (await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair;
  expect(after.status).toBe('FAILED_OVER');
  expect(after.activeRecoveryPointId).toBe(second);
});

test('a pair in Replication Error explains itself and offers its ways out; it recovers by itself', async () => {
  const session = consoleSession();
  const { page, url } = session;
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.name === 'web-01')!;
  await page.goto(`${url}/console/pairs/${pair.id}`);
  await waitForText(page.locator('#pair-status'), 'Replicating');

  // Another client takes the main server down; the next scheduled point fails.
  await session.api('POST', `/_sim/servers/${pair.mainServer.id}/outage?tenant=demo`);
  await session.api('POST', '/_sim/clock/advance', { by: '15m' });
  const panel = page.getByRole('region', { name: 'Replication failed' });
  await waitForText(panel, 'resumes by itself once it is back');
  // The ways out are the ones the pair allows now (with a test environment, no Restart).
  const allowed = ((await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair).allowedActions;
  expect(allowed).toContain('failover');
  await panel.getByRole('button', { name: 'Failover', exact: true }).waitFor();
  await panel.getByRole('button', { name: 'Contact support' }).waitFor();
  expect(await panel.getByRole('button', { name: 'Restart Replication' }).count()).toBe(
    allowed.includes('restartReplication') ? 1 : 0,
  );
  await expectAccessible(page, 'replication error');
  await panel.getByRole('button', { name: 'Contact support' }).click();
  await page.getByRole('dialog', { name: 'Contact support' }).waitFor();
  await expectAccessible(page, 'contact support, replication error');
  await page.keyboard.press('Escape');

  await session.api('POST', `/_sim/servers/${pair.mainServer.id}/recover?tenant=demo`);
  await session.api('POST', '/_sim/clock/advance', { by: '15m' });
  await waitForText(page.locator('#pair-status'), 'Replicating');
  await panel.waitFor({ state: 'detached' });
});
