/**
 * The web console, mounted under `/console`: the failover procedure in a browser. Pages are
 * rendered on the server from the public API (called in process with the visitor's token, so
 * they show what that tenant's client sees); the page's small script acts by calling `/v1`
 * and `/_sim` itself, and refreshes `<main>` when the simulation moves on.
 *
 * @example
 * app.route('/console', consoleApp({ api: app }));
 */
import { type Context, Hono } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ClockView } from '../sim/types.js';
import { ApiFailure, type ApiHost, ConsoleApi, type Problem } from './api.js';
import { serveAsset } from './assets.js';
import { type Section, Shell } from './components/layout.js';
import { latestEventSeq, liveStream } from './live.js';
import { LifecyclePage, loadLifecyclePage } from './pages/lifecycle-page.js';
import { loadPairPage, PairPage } from './pages/pair-page.js';
import { loadPairRows, loadPairsPage, PairRows, PairsPage } from './pages/pairs-page.js';
import { loadSimulationPage, SimulationPage } from './pages/simulation-page.js';
import { credentialsOf } from './session.js';

export interface ConsoleOptions {
  /** The app the console is mounted in; its `request` serves the console's reads. */
  api: ApiHost;
}

/** The header the page's script sends to get only `<main>`'s content back. */
const FRAGMENT_HEADER = 'x-console-fragment';

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

interface Rendered {
  /** The API's status when it refused the page's data; 200 otherwise. */
  status?: ContentfulStatusCode;
  title: string;
  body: HtmlEscapedString | Promise<HtmlEscapedString>;
}

export function consoleApp(options: ConsoleOptions): Hono {
  const app = new Hono();
  const seqHint = new Map<string, number>();

  app.get('/assets/:file', serveAsset);
  app.get('/live', liveStream(options.api));

  const page =
    (section: Section, render: (api: ConsoleApi, c: Context) => Promise<Rendered>) => async (c: Context) => {
      const api = new ConsoleApi(options.api, credentialsOf(c));
      const fragment = c.req.header(FRAGMENT_HEADER) === 'main';
      // The newest event before the data is read: whatever happens in between looks new to the
      // page's script and costs one extra refresh, instead of going unnoticed.
      const tenant = api.credentials.tenant;
      const eventSeq = fragment
        ? null
        : await latestEventSeq(api, tenant, seqHint.get(tenant) ?? 0).catch(() => null);
      if (eventSeq !== null) {
        if (seqHint.size > 1000) seqHint.clear();
        seqHint.set(tenant, eventSeq);
      }
      const [rendered, clock] = await Promise.all([
        render(api, c).catch((err: unknown) => failure(err)),
        fragment ? null : api.attempt(api.control<ClockView>('/_sim/clock')),
      ]);
      const headers = { ...SECURITY_HEADERS, 'Cache-Control': 'no-store', Vary: 'X-Console-Fragment' };
      const status = rendered.status ?? 200;
      if (fragment) {
        return c.html(rendered.body, status, {
          ...headers,
          'X-Console-Title': encodeURIComponent(rendered.title),
        });
      }
      const html = await (
        <Shell
          title={rendered.title}
          section={section}
          credentials={api.credentials}
          clock={clock?.ok ? clock.value : null}
          eventSeq={eventSeq}
        >
          {rendered.body}
        </Shell>
      ).toString();
      return c.html(`<!doctype html>\n${html}`, status, headers);
    };

  app.get(
    '/',
    page('pairs', async (api, c) => ({
      title: 'Server Disaster Recovery',
      body: <PairsPage data={await loadPairsPage(api, c.req.query())} />,
    })),
  );
  // A live update of the list: the rows of the pairs that changed, and the counts.
  app.get('/rows', async (c) => {
    const api = new ConsoleApi(options.api, credentialsOf(c));
    const data = await loadPairRows(api, c.req.query());
    return c.html(<PairRows {...data} />, 200, { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' });
  });
  app.get(
    '/pairs/:id',
    page('pairs', async (api, c) => {
      const data = await loadPairPage(api, c.req.param('id') ?? '', c.req.query('events') === 'all');
      return { title: `${data.pair.name} (${data.pair.id})`, body: <PairPage data={data} /> };
    }),
  );
  app.get(
    '/simulation',
    page('simulation', async (api) => ({
      title: 'Simulation panel',
      body: <SimulationPage data={await loadSimulationPage(api)} />,
    })),
  );
  app.get(
    '/lifecycle',
    page('lifecycle', async (api, c) => ({
      title: 'Lifecycle',
      body: <LifecyclePage data={await loadLifecyclePage(api, c.req.query('pair'))} />,
    })),
  );
  return app;
}

/** A page the API refused to feed: its problem, said plainly, and what to do about it. */
function failure(err: unknown): Rendered {
  const problem: Problem =
    err instanceof ApiFailure
      ? err.problem
      : { status: 0, code: 'NO_ANSWER', detail: err instanceof Error ? err.message : String(err) };
  const advice =
    problem.status === 401 || problem.status === 403
      ? 'Switch to a token this server knows in the header above.'
      : problem.status === 404
        ? 'It does not exist for this token’s tenant.'
        : problem.status === 0
          ? 'The API dropped the request (an HTTP chaos rule?). The page retries by itself.'
          : 'The page retries by itself.';
  const status = (
    problem.status >= 400 && problem.status < 600 ? problem.status : 502
  ) as ContentfulStatusCode;
  return {
    status,
    title: 'The API refused',
    body: (
      <div class="panel panel-error" data-api-problem={problem.code}>
        <h1>The API refused this page</h1>
        <p>
          <strong class="mono">{problem.code}</strong>: {problem.detail}
        </p>
        <p>{advice}</p>
        <p>
          <a href="/console">Back to Server Disaster Recovery</a>
        </p>
      </div>
    ),
  };
}
