/**
 * The rest of a pair's lifecycle in a real browser: attaching (refused servers shown but not
 * selectable), the API's own error next to the field that caused it, Start Replication, the
 * Actions menu (stop, resume, restart, detach), a test failover with its change of recovery
 * point and clean-up, the statechart with the pair's state highlighted, keyboard use of the
 * dialogs, switching tokens, and the pages at phone width.
 */
import { expect, test } from 'vitest';
import type { DrPair, Job, Server } from '../../src/sim/types.js';
import { expectAccessible, focusedText, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole();

test('attach, replicate, test, restart and detach a pair; errors next to their fields', async () => {
  const session = consoleSession();
  const { page, url, shot } = session;
  const status = page.locator('#pair-status');
  const advance = (label: string) => page.getByRole('button', { name: label }).click();

  // Attach a Server, opened from the keyboard: refused servers are listed, not selectable.
  await page.goto(`${url}/console`);
  const attachButton = page.getByRole('button', { name: 'Attach a Server' });
  await attachButton.focus();
  await page.keyboard.press('Enter');
  const attach = page.getByRole('dialog', { name: 'Attach a Server' });
  await attach.waitFor();
  expect(await attach.getByRole('checkbox', { name: /old-01/ }).count()).toBe(0);
  await attach.getByText(/servers cannot be attached now/).click();
  await waitForText(attach, 'old-01');
  expect(await attach.locator('.refused-servers').textContent()).toMatch(/old-01 \S+: expired/);
  expect(await attach.locator('.refused-servers').textContent()).toMatch(
    /cluster-01 \S+: has a multi-attach volume/,
  );
  expect(await attach.getByRole('checkbox', { name: /web-01-shadow/ }).count()).toBe(0);
  await page.keyboard.press('Escape');
  await attach.waitFor({ state: 'hidden' });
  await expect.poll(() => focusedText(page)).toBe('Attach a Server');

  // The committed pair's new primary can be protected in turn; a missing subnet is the API's to refuse.
  await attachButton.click();
  await attach.getByRole('checkbox', { name: /legacy-01-shadow/ }).check();
  await attach.getByLabel('Subnet').fill('');
  await attach.getByRole('button', { name: 'Attach' }).click();
  const subnetError = attach.locator('[data-error-for="shadow.subnetId"]');
  await subnetError.waitFor();
  expect(await subnetError.textContent()).toBe('Enter the subnet.');
  expect(await attach.getByLabel('Subnet').getAttribute('aria-invalid')).toBe('true');
  await shot('21-attach-dialog-field-error', { viewportOnly: true });
  await attach.getByLabel('Subnet').fill('subnet-dr-han-a');
  await attach.getByRole('button', { name: 'Attach' }).click();
  await attach.waitFor({ state: 'hidden' });
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const pair = pairs.items.find((p) => p.name === 'legacy-01-shadow')!;
  expect(pair.shadowPlacement.subnetId).toBe('subnet-dr-han-a');
  await waitForText(page.locator(`tr[data-pair-row="${pair.id}"]`), 'Attached');

  // Start Replication: an interval out of range comes back from the API next to its field.
  await page.getByRole('link', { name: pair.id }).click();
  await waitForText(status, 'Attached');
  await page.getByRole('button', { name: 'Start Replication' }).click();
  const start = page.getByRole('dialog', { name: 'Start Replication' });
  await start.getByLabel('Replication interval (hours)').fill('13');
  await start.getByRole('button', { name: 'Start Replication' }).click();
  const intervalError = start.locator('[data-error-for="intervalHours"]');
  await intervalError.waitFor();
  expect(await intervalError.textContent()).toMatch(/12/);
  await shot('22-start-replication-field-error', { viewportOnly: true });
  await start.getByLabel('Replication interval (hours)').fill('2');
  // Another region than the attach's: its VPCs, subnets and groups become the selects' choices.
  expect(await start.getByLabel(/^Region/).inputValue()).toBe('HAN-1');
  // A region the catalogue does not list takes free text; a listed one offers its choices.
  await start.getByLabel(/^Region/).fill('XYZ-9');
  await start.getByLabel(/^Region/).blur();
  expect(await start.getByLabel('VPC').evaluate((field) => field.tagName)).toBe('INPUT');
  await start.getByLabel(/^Region/).fill('HCM-3');
  await start.getByLabel(/^Region/).blur();
  expect(await start.getByLabel('VPC').evaluate((field) => field.tagName)).toBe('SELECT');
  await start.getByLabel('VPC').selectOption('vpc-dr-hcm');
  await start.getByLabel('Subnet').selectOption('subnet-dr-hcm-a');
  await start.getByLabel('Private IP').fill('10.30.1.50');
  await start.getByLabel('Floating IP').selectOption('true');
  await start.getByLabel('Security group').selectOption('sg-hcm-web');
  await start.getByLabel('Placement group').selectOption('pg-hcm-spread');
  await start.getByLabel('Instance type (flavor)').selectOption('general.4c8g');
  // An address outside the subnet is the engine's to refuse, said next to the field.
  await start.getByRole('button', { name: 'Start Replication' }).click();
  await waitForText(start.locator('[data-error-for="network.privateIp"]'), 'is not in subnet');
  expect(await start.getByLabel('Private IP').getAttribute('aria-invalid')).toBe('true');
  await expectAccessible(page, 'start replication dialog, another region');
  await start.getByLabel('Private IP').fill('10.20.1.50');
  await start.getByRole('button', { name: 'Start Replication' }).click();
  await waitForText(status, 'Start Replication');
  await advance('+1 h');
  await waitForText(status, 'Replicating');
  const started = (await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair;
  expect(started.shadowPlacement).toMatchObject({
    region: 'HCM-3',
    vpcId: 'vpc-dr-hcm',
    subnetId: 'subnet-dr-hcm-a',
    securityGroupId: 'sg-hcm-web',
    placementGroupId: 'pg-hcm-spread',
  });
  const shadow = (await session.api('GET', `/v1/servers/${started.shadowServer!.id}`)) as Server;
  expect(shadow).toMatchObject({ region: 'HCM-3', flavor: 'general.4c8g' });
  expect(shadow.network).toMatchObject({ privateIp: '10.20.1.50', securityGroupId: 'sg-hcm-web' });
  expect(shadow.network?.floatingIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

  // Stop and resume, from the Actions menu, each confirmed.
  await page.getByText('Actions', { exact: true }).click();
  await page.getByRole('button', { name: 'Stop Replication' }).click();
  await page.getByRole('dialog', { name: 'Stop Replication?' }).waitFor();
  await expectAccessible(page, 'stop replication dialog');
  await page
    .getByRole('dialog', { name: 'Stop Replication?' })
    .getByRole('button', { name: 'Stop Replication' })
    .click();
  await waitForText(status, 'Pending');
  await expectAccessible(page, 'pending');
  await page.getByText('Actions', { exact: true }).click();
  await page.getByRole('button', { name: 'Resume Replication' }).click();
  await page
    .getByRole('dialog', { name: 'Resume Replication?' })
    .getByRole('button', { name: 'Resume Replication' })
    .click();
  await waitForText(status, 'Replicating');

  // Test Failover: a bad test server name is refused next to its field; replication goes on.
  await page.getByRole('button', { name: 'Test Failover' }).click();
  const testDialog = page.getByRole('dialog', { name: 'Test Failover' });
  await testDialog.getByLabel('Test server name').fill('bad');
  await testDialog.getByRole('button', { name: 'Test Failover' }).click();
  await testDialog.locator('[data-error-for="testServerName"]').waitFor();
  await expectAccessible(page, 'test failover dialog, field error');
  await testDialog.getByLabel('Test server name').fill('legacy-test');
  // "Current time" and a floating IP; the region defaults to the shadow's, its VPCs as choices.
  expect(await testDialog.getByLabel(/^Region/).inputValue()).toBe('HCM-3');
  await testDialog.getByLabel('Subnet').selectOption('subnet-dr-hcm-a');
  await testDialog.getByRole('radio', { name: /Current time/ }).check();
  await testDialog.getByLabel('Floating IP').selectOption('true');
  await testDialog.getByLabel('Instance family').selectOption('memory');
  await testDialog.getByRole('button', { name: 'Test Failover' }).click();
  await waitForText(status, 'Processing');
  const pairJobs = (await session.api('GET', `/v1/dr-pairs/${pair.id}/jobs`)) as { items: Job[] };
  const testJob = pairJobs.items.find((job) => job.type === 'testFailover')!;
  expect(testJob.request).toMatchObject({
    recoveryPointId: 'now',
    instanceFamily: 'memory',
    network: { subnetId: 'subnet-dr-hcm-a', floatingIp: true },
  });
  await advance('+15 min');
  await waitForText(status, 'Ready');
  await expectAccessible(page, 'test failover ready');
  await page.getByRole('button', { name: 'Change Test Recovery Point' }).click();
  await page.getByRole('dialog', { name: 'Change Test Recovery Point' }).waitFor();
  await expectAccessible(page, 'change test recovery point dialog');
  await page
    .getByRole('dialog', { name: 'Change Test Recovery Point' })
    .getByRole('button', { name: 'Change Test Recovery Point' })
    .click();
  await waitForText(status, 'Changing Recovery Point');
  await advance('+15 min');
  await waitForText(status, 'Ready');
  await shot('23-test-failover-ready');
  await page.getByRole('button', { name: 'Clean Test Environment' }).click();
  await page
    .getByRole('dialog', { name: 'Clean Test Environment?' })
    .getByRole('button', { name: 'Clean Test Environment' })
    .click();
  await waitForText(status, 'Cleaning');
  await advance('+15 min');
  await page.locator('#pair-status [data-test-state]').waitFor({ state: 'detached' });

  // Restart Replication warns that every recovery point goes.
  await page.getByText('Actions', { exact: true }).click();
  await page.getByRole('button', { name: 'Restart Replication' }).click();
  const restart = page.getByRole('dialog', { name: 'Restart Replication?' });
  await waitForText(restart, 'Every recovery point of this pair will be deleted');
  await shot('24-restart-confirmation', { viewportOnly: true });
  await expectAccessible(page, 'restart dialog');
  await restart.getByRole('button', { name: 'Restart Replication' }).click();
  await waitForText(status, 'Start Replication');

  // The lifecycle page draws the chart with this pair's state highlighted.
  await page.getByRole('link', { name: 'Lifecycle' }).click();
  await page.getByLabel('DR pair', { exact: true }).selectOption(pair.id);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.locator('[data-state="STARTING_REPLICATION"].chart-state-current').waitFor();
  expect(await page.locator('.chart-state-current').count()).toBe(1);
  await shot('25-lifecycle');

  // Detach, once replication runs again.
  await page.getByRole('link', { name: pair.id }).click();
  await advance('+1 h');
  await waitForText(status, 'Replicating');
  await page.getByText('Actions', { exact: true }).click();
  await page.getByRole('button', { name: 'Detach' }).click();
  await page.getByRole('dialog', { name: 'Detach?' }).waitFor();
  await expectAccessible(page, 'detach dialog');
  await page.getByRole('dialog', { name: 'Detach?' }).getByRole('button', { name: 'Detach' }).click();
  await waitForText(status, 'Detached');
  await expectAccessible(page, 'detached');
  await advance('+15 min');
  expect(((await session.api('GET', `/v1/dr-pairs/${pair.id}`)) as DrPair).status).toBe('DETACHED');
});

test('the token decides what the console shows; the pages read at phone width', async () => {
  const session = consoleSession();
  const { page, url, shot } = session;
  await page.goto(`${url}/console`);
  await page.getByLabel('Token').fill('someone-else');
  await page.getByRole('button', { name: 'Switch' }).click();
  await waitForText(page.locator('main'), 'No protected server yet');
  await page.getByLabel('Token').fill('demo');
  await page.getByRole('button', { name: 'Switch' }).click();
  await page.locator('tr[data-pair-row]').first().waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await shot('31-phone-protected-servers', { viewportOnly: true });
  const pairs = (await session.api('GET', '/v1/dr-pairs')) as { items: DrPair[] };
  const web = pairs.items.find((p) => p.name === 'web-01')!;
  await page.goto(`${url}/console/pairs/${web.id}`);
  await waitForText(page.locator('#pair-status'), 'Replicating');
  await shot('32-phone-pair-detail');
  await page.getByRole('button', { name: 'Failover', exact: true }).click();
  await page.getByRole('dialog', { name: 'Failover' }).waitFor();
  await shot('33-phone-failover-dialog', { viewportOnly: true });
  await expectAccessible(page, 'phone failover dialog');
  await page.keyboard.press('Escape');
  await page.goto(`${url}/console/simulation`);
  await expectAccessible(page, 'phone simulation panel');
  await page.setViewportSize({ width: 1366, height: 768 });
});
