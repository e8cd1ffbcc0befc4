/**
 * Dialogs that act once and follow their pair: an answer lost after the server acted is
 * retried with the same Idempotency-Key (the action happens once), and a dialog whose action
 * another client made impossible says so and offers what is allowed now.
 */
import { expect, test } from 'vitest';
import type { DrPair } from '../../src/sim/types.js';
import { expectAccessible, focusedText, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole();

test('a lost answer is retried with the same Idempotency-Key; an open dialog follows its pair', async () => {
  const session = consoleSession();
  const { page, url } = session;
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const web = pairs.items.find((p) => p.name === 'web-01')!;
  await page.goto(`${url}/console/pairs/${web.id}`);
  await page.locator('#pair-status').waitFor();

  // Stop Replication's answer is dropped after the server acted: the console retries with the
  // same key, gets the same answer, and the pair is stopped once.
  await session.api('POST', '/_sim/chaos', {
    method: 'POST',
    path: '/v1/dr-pairs/*/stop-replication',
    effect: { kind: 'drop' },
    phase: 'after',
    times: 1,
  });
  await page.getByText('Actions', { exact: true }).click();
  await page.getByRole('button', { name: 'Stop Replication' }).click();
  const stop = page.getByRole('dialog', { name: 'Stop Replication?' });
  await stop.getByRole('button', { name: 'Stop Replication' }).click();
  await stop.waitFor({ state: 'hidden' });
  await waitForText(page.locator('#pair-status'), 'Pending');
  const journal = (await session.api(
    'GET',
    `/_sim/requests?method=POST&path=${encodeURIComponent(`/v1/dr-pairs/${web.id}/stop-replication`)}`,
  )) as { items: { status: number; idempotencyKey: string | null }[] };
  expect(journal.items.map((entry) => entry.status)).toEqual([0, 202]);
  const [first, second] = journal.items;
  expect(first?.idempotencyKey).toMatch(/^console-[0-9a-f]{32}$/);
  expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
  const jobs = (await session.api('GET', `/v1/dr-pairs/${web.id}/jobs`)) as { items: { type: string }[] };
  expect(jobs.items.filter((job) => job.type === 'stopReplication')).toHaveLength(1);

  // Another client resumes it while Resume is open here: the dialog says so and offers what is allowed.
  await page.getByText('Actions', { exact: true }).click();
  await page.getByRole('button', { name: 'Resume Replication' }).click();
  const resume = page.getByRole('dialog', { name: 'Resume Replication?' });
  await resume.waitFor();
  await session.api('POST', `/v1/dr-pairs/${web.id}/resume-replication`);
  const follow = resume.locator('[data-follow]');
  await waitForText(follow, 'The pair changed while this dialog was open: it is now Replicating');
  expect(await resume.getByRole('button', { name: 'Resume Replication' }).getAttribute('aria-disabled')).toBe(
    'true',
  );
  await expectAccessible(page, 'dialog after the pair moved on');
  await follow.getByRole('button', { name: 'Stop Replication' }).click();
  await page.getByRole('dialog', { name: 'Stop Replication?' }).waitFor();
  await page.keyboard.press('Escape');
  await expect.poll(() => focusedText(page)).toBe('Actions');
});
