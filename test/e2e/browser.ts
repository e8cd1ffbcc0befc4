/**
 * What the console's end-to-end tests share: a drsim server with the demo data on a free
 * port, Debian's Chromium driven by playwright-core (headless, a fresh profile each time), and
 * screenshots of the key screens under the git-ignored `test-output/`.
 *
 * In CI Chromium is required: without it these tests fail and say how to install it, because a
 * console nobody clicked through is a console nobody tested. On a developer's machine without
 * it, vitest.config.ts leaves these files out and prints how to enable them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { silentLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

export const CHROMIUM_PATH = process.env.DRSIM_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUTPUT_DIR = join(ROOT, 'test-output', 'e2e');
const DOCS_SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
/** Only a run that asks for it rewrites the docs' screenshots: a test run leaves the clone clean. */
const UPDATE_DOCS = process.env.DRSIM_UPDATE_SCREENSHOTS === '1';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleSession {
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  /** `http://127.0.0.1:port` */
  url: string;
  /**
   * Saves `test-output/e2e/<name>.png`; the whole page unless `viewportOnly`. With `docs`, also
   * `docs/screenshots/<name>.png` when `DRSIM_UPDATE_SCREENSHOTS=1`.
   */
  shot(name: string, options?: { viewportOnly?: boolean; docs?: boolean }): Promise<void>;
  /** A call from another client, outside the browser: what the console must notice by itself. */
  api(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: the console's end-to-end tests drive a real browser. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (or point DRSIM_CHROMIUM at one).',
    );
  }
}

export interface ConsoleOptions {
  /** Start with the demo data (default) or an empty server. */
  demo?: boolean;
}

export async function openConsole(options: ConsoleOptions = {}): Promise<ConsoleSession> {
  requireChromium();
  const server = await startServer({ port: 0, demo: options.demo ?? true, logger: silentLogger });
  const profile = mkdtempSync(join(tmpdir(), 'drsim-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1366, height: 768 },
    });
  } catch (err) {
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return {
    server,
    context,
    page,
    url: server.url,
    async shot(name, options = {}) {
      const fullPage = !options.viewportOnly;
      await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage });
      if (options.docs && UPDATE_DOCS) {
        await page.screenshot({ path: join(DOCS_SCREENSHOTS, `${name}.png`), fullPage });
      }
    },
    async api(method, path, body) {
      const headers: Record<string, string> = { Authorization: 'Bearer demo' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    },
  };
}

/**
 * One console session for a test file. A failed setup (Chromium missing above all) fails
 * every test of the file with its message, rather than leaving them reported as skipped.
 */
export function useConsole(options: ConsoleOptions = {}): () => ConsoleSession {
  let session: ConsoleSession | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      session = await openConsole(options);
    } catch (err) {
      failure = err;
    }
  });
  afterAll(async () => {
    await session?.close();
  });
  return () => {
    if (!session) throw failure ?? new Error('the console session did not start');
    return session;
  };
}

/** Waits until the locator's text contains `text` (the page updates by itself). */
export async function waitForText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
}

/** The little of the DOM these tests read, without pulling the DOM's types into a Node project. */
type Win = {
  drsimMark?: boolean;
  document: { querySelector(selector: string): { textContent: string | null } | null };
};

/** Marks the document so a test can tell a re-render of `<main>` from a reload. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as Win).drsimMark = true;
  });
}

export async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as Win).drsimMark === true);
}

/** The text of the focused element: where keyboard focus went. */
export async function focusedText(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }
    ).document;
    return doc.activeElement?.textContent?.trim() ?? null;
  });
}

/** Waits until the text of `selector` is no longer `before`. */
export async function waitForChange(page: Page, selector: string, before: string | null): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) =>
      (globalThis as unknown as Win).document.querySelector(sel as string)?.textContent !== text,
    [selector, before] as const,
  );
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page as it is now (open dialogs included) and fails on any serious or
 * critical finding, naming the rule and the first elements it found.
 */
export async function expectAccessible(page: Page, step: string): Promise<void> {
  // evaluate() runs outside the page's Content-Security-Policy, so axe needs no inline script.
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = bad.map(
    (v) =>
      `${v.impact} ${v.id} (${v.help}): ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );
  expect(lines, `axe findings at "${step}" (${page.viewportSize()?.width}px)`).toEqual([]);
}

/** Presses Tab until `target` has focus: proof that the keyboard reaches it. */
export async function tabTo(page: Page, target: Locator, limit = 120): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (
      await target.evaluate(
        (el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement,
      )
    )
      return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Focuses `target` by keyboard and types `text` over what it holds. */
export async function typeInto(page: Page, target: Locator, text: string): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}
