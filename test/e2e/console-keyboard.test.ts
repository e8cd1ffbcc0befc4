/**
 * A fresh tenant does the whole procedure in the console, keyboard only, at desktop and phone
 * size: switch to a new token, create a server with a few files, attach it (an empty field is
 * said on the field), start replication, fail over, check the data, commit. No API call is made
 * outside the browser, and axe-core finds nothing serious or critical at any step — pages,
 * states and dialogs alike.
 */
import { expect, test } from 'vitest';
import { expectAccessible, focusedText, tabTo, typeInto, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole();

const SIZES = [
  { name: 'desktop', width: 1366, height: 768 },
  { name: 'phone', width: 390, height: 844 },
];

for (const size of SIZES) {
  test(`a fresh tenant fails over and commits with the keyboard only (${size.name}, ${size.width}×${size.height})`, async () => {
    const { page, url, shot } = consoleSession();
    await page.setViewportSize({ width: size.width, height: size.height });
    const key = (name: string) => page.keyboard.press(name);
    const status = page.locator('#pair-status');
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    const press = async (name: string) => {
      await tabTo(page, button(name).first());
      await key('Enter');
    };

    // A token nobody used yet: a tenant with nothing in it.
    await page.goto(`${url}/console`);
    await expectAccessible(page, 'list (demo)');
    await typeInto(page, page.getByLabel('Token', { exact: true }), `fresh-${size.name}`);
    await Promise.all([page.waitForEvent('load'), key('Enter')]);
    await waitForText(page.locator('.empty').first(), 'No protected server yet');
    await expectAccessible(page, 'empty list');

    // Attach has nothing to offer yet and says what to do.
    await press('Attach a Server');
    const attach = page.getByRole('dialog', { name: 'Attach a Server' });
    await waitForText(attach, 'The tenant has no server yet');
    await expectAccessible(page, 'attach dialog, no server');
    await key('Escape');
    await expect.poll(() => focusedText(page)).toBe('Attach a Server');

    // Create a Server: name, region, a volume (prefilled), two files.
    await press('Create a Server');
    const create = page.getByRole('dialog', { name: 'Create a Server' });
    await create.waitFor();
    await expectAccessible(page, 'create server dialog');
    await page.keyboard.type('web-01');
    await typeInto(page, create.getByLabel('Region'), 'HCM-3');
    await typeInto(page, create.getByLabel(/^Files/), 'etc/hostname = web-01');
    await key('Enter');
    await page.keyboard.type('var/www/index.html = <h1>hello</h1>');
    await tabTo(page, create.getByRole('button', { name: 'Create' }));
    // An open dialog is never re-rendered, so the page must hold the new server by the time the
    // Create dialog closes: an Attach dialog opened right then would otherwise list none.
    await page.evaluate(`document.getElementById('dlg-create-server').addEventListener('close', () => {
      globalThis.attachChoicesAtClose = document.querySelectorAll('#dlg-attach input[name="mainServerIds"]').length;
    }, { once: true })`);
    await key('Enter');
    await create.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedText(page)).toBe('Create a Server');
    expect(await page.evaluate('globalThis.attachChoicesAtClose')).toBe(1);

    // Attach it; an empty subnet is said on its field before anything is sent.
    await press('Attach a Server');
    await attach.getByRole('checkbox', { name: /web-01/ }).waitFor();
    await tabTo(page, attach.getByRole('checkbox', { name: /web-01/ }));
    await key('Space');
    await typeInto(page, attach.getByLabel('Shadow region'), 'HAN-1');
    await typeInto(page, attach.getByLabel('VPC'), 'vpc-dr');
    await tabTo(page, attach.getByRole('button', { name: 'Attach' }));
    await key('Enter');
    const subnetError = attach.locator('[data-error-for="shadow.subnetId"]');
    await waitForText(subnetError, 'Enter the subnet.');
    await expect.poll(() => focusedText(page)).toBe('');
    expect(await attach.getByLabel('Subnet').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'attach dialog, field error');
    await page.keyboard.type('subnet-dr-a');
    await tabTo(page, attach.getByRole('button', { name: 'Attach' }));
    await key('Enter');
    await attach.waitFor({ state: 'hidden' });
    const row = page.locator('tr[data-pair-row]').first();
    await waitForText(row, 'Attached');
    await expectAccessible(page, 'list with one pair');

    // The pair's page, from its DR Pair ID.
    await tabTo(page, row.getByRole('link'));
    await Promise.all([page.waitForURL('**/console/pairs/*'), key('Enter')]);
    await waitForText(status, 'Attached');
    await expectAccessible(page, 'pair attached');

    await press('Start Replication');
    const start = page.getByRole('dialog', { name: 'Start Replication' });
    await start.waitFor();
    await expectAccessible(page, 'start replication dialog');
    await tabTo(page, start.getByRole('button', { name: 'Start Replication' }));
    await key('Enter');
    await waitForText(status, 'Start Replication');
    await expectAccessible(page, 'starting replication');
    await press('+1 h');
    await waitForText(status, 'Replicating');
    // Focus stayed on the strip's button: a second press counts too.
    await expect.poll(() => focusedText(page)).toBe('+1 h');
    await key('Enter');
    await waitForText(page.getByRole('heading', { name: /Recovery points/ }), '(');
    await expectAccessible(page, 'replicating');

    // The Actions menu opens by keyboard and fits the screen.
    await tabTo(page, page.getByText('Actions', { exact: true }));
    await key('Enter');
    const menu = page.locator('.menu-list');
    await menu.waitFor();
    const box = await menu.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= size.width).toBe(true);
    await expectAccessible(page, 'actions menu open');
    await key('Escape');
    await expect.poll(() => focusedText(page)).toBe('Actions');

    // Failover to the preselected (latest) point.
    await press('Failover');
    const failover = page.getByRole('dialog', { name: 'Failover' });
    await failover.waitFor();
    await expectAccessible(page, 'failover dialog');
    await tabTo(page, failover.getByRole('button', { name: 'Failover', exact: true }));
    await key('Enter');
    await waitForText(status, 'Failover Processing');
    await expectAccessible(page, 'failover processing');
    await press('+15 min');
    await waitForText(status, 'Failed Over');
    await waitForText(page.locator('#data-check'), 'match the main server');
    await expectAccessible(page, 'failed over');
    await shot(`31-keyboard-failed-over-${size.name}`, { viewportOnly: true });

    // Commit, deleting the recovery points.
    await press('Commit Failover');
    const commit = page.getByRole('dialog', { name: 'Commit Failover' });
    await commit.waitFor();
    await tabTo(page, commit.getByRole('checkbox', { name: 'Delete all associated recovery points' }));
    await key('Space');
    await expectAccessible(page, 'commit dialog');
    await tabTo(page, commit.getByRole('button', { name: 'Commit Failover' }));
    await key('Enter');
    await waitForText(status, 'Committing');
    await press('+15 min');
    await waitForText(status, 'Committed');
    await waitForText(page.getByRole('heading', { name: /Recovery points/ }), '(0)');
    await expectAccessible(page, 'committed');

    // The other pages, reached by keyboard too.
    await tabTo(page, page.getByRole('link', { name: 'Lifecycle' }));
    await Promise.all([page.waitForURL('**/console/lifecycle'), key('Enter')]);
    await page.locator('svg.chart').waitFor();
    await expectAccessible(page, 'lifecycle');
    await tabTo(page, page.getByRole('link', { name: 'Simulation panel' }));
    await Promise.all([page.waitForURL('**/console/simulation'), key('Enter')]);
    await expectAccessible(page, 'simulation panel');
    await press(`Reset tenant fresh-${size.name}`);
    await page.getByRole('dialog', { name: /Reset tenant/ }).waitFor();
    await expectAccessible(page, 'reset dialog');
    await key('Escape');
  });
}
