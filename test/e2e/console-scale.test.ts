/**
 * The list at scale: a tenant with 1,000 DR pairs. The server pages, searches, filters and
 * sorts; the browser gets one page of rows with the counts, and a change to one pair sends
 * that pair's row, not the page. Times are measured and written out, never asserted (a shared
 * machine is noisy); the sizes are asserted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { expectAccessible, OUTPUT_DIR, useConsole, waitForText } from './browser.js';

const consoleSession = useConsole({ demo: false });
const PAIRS = 1000;

interface Timing {
  responseEnd: number;
  domContentLoadedEventEnd: number;
  transferSize: number;
}

test('1,000 pairs: one page of rows with counts, search and filter on the server, one-row updates', async () => {
  const { page, url, server } = consoleSession();
  const tenant = 'demo';
  const ids: string[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const name = `srv-${String(i).padStart(4, '0')}`;
    const main = server.sim.createServer(tenant, {
      name,
      region: 'HCM-3',
      volumes: [{ type: 'SSD', iops: 3000, sizeGb: 50, multiAttach: false }],
      files: { 'etc/hostname': name },
    });
    const pair = server.sim.attach(tenant, {
      mainServerId: main.id,
      shadow: { region: 'HAN-1', vpcId: 'vpc-dr', subnetId: 'subnet-dr-a' },
    });
    ids.push(pair.id);
  }

  await page.goto(`${url}/console`);
  await page.locator('#pair-counts').waitFor();
  const timing = await page.evaluate<Timing>(
    `(() => { const t = performance.getEntriesByType('navigation')[0]; return { responseEnd: t.responseEnd, domContentLoadedEventEnd: t.domContentLoadedEventEnd, transferSize: t.transferSize }; })()`,
  );
  expect(await page.locator('tr[data-pair-row]').count()).toBe(50);
  await waitForText(page.locator('#pair-counts'), '1,000 DR pairs');
  await expectAccessible(page, '1,000 pairs');

  // One pair changes (another client starts its replication): only its row comes over.
  const firstRow = page.locator('tr[data-pair-row]').first();
  const pairId = (await firstRow.getAttribute('data-pair-row'))!;
  await page.evaluate('performance.clearResourceTimings()');
  server.sim.act(tenant, pairId, { action: 'startReplication', shadowName: 'shadow-0000', intervalHours: 1 });
  await waitForText(firstRow, 'Start Replication');
  const fetched = await page.evaluate<{ name: string; transferSize: number; encodedBodySize: number }[]>(
    `performance.getEntriesByType('resource').map((r) => ({ name: r.name, transferSize: r.transferSize, encodedBodySize: r.encodedBodySize }))`,
  );
  const rows = fetched.filter((entry) => entry.name.includes('/console/rows'));
  expect(rows.length).toBeGreaterThan(0);
  expect(fetched.filter((entry) => new URL(entry.name).pathname === '/console')).toEqual([]);
  const updateBytes = rows.reduce((sum, entry) => sum + entry.transferSize, 0);
  expect(updateBytes).toBeLessThan(5 * 1024);
  await waitForText(page.locator('#pair-counts'), 'Start Replication 1');

  // Search and filter happen on the server; the counts say how many match.
  await page.goto(`${url}/console?q=srv-09&status=ATTACHED`);
  await waitForText(page.locator('#pair-counts'), '100 of 1,000 DR pairs match');
  expect(await page.locator('tr[data-pair-row]').count()).toBe(50);
  await page.goto(`${url}/console?sort=name&dir=desc&page=20`);
  await waitForText(page.locator('#pair-counts'), 'showing 951–1,000');
  await waitForText(page.locator('tr[data-pair-row]').last(), 'srv-0000');

  const report = {
    pairs: PAIRS,
    firstRenderResponseEndMs: Math.round(timing.responseEnd),
    firstRenderDomContentLoadedMs: Math.round(timing.domContentLoadedEventEnd),
    listPageBytes: timing.transferSize,
    oneRowUpdateBytes: updateBytes,
  };
  writeFileSync(join(OUTPUT_DIR, 'console-scale.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log('console at scale:', JSON.stringify(report));
});
