/**
 * The frame of every console page: the product header (pages of the simulated service and
 * the token the console acts with), the simulation strip (set apart: it is drsim's, not the
 * service's), the banner that says when live updates stopped, and the `<main>` that the page's
 * script morphs in place.
 */
import type { Child } from 'hono/jsx';
import type { ClockView } from '../../sim/types.js';
import type { Credentials } from '../api.js';
import { assetUrl } from '../assets.js';
import { formatTime } from '../format.js';

export type Section = 'pairs' | 'lifecycle' | 'simulation';

export interface ShellProps {
  title: string;
  section: Section;
  credentials: Credentials;
  /** The simulated clock, when the control API answered. */
  clock: ClockView | null;
  /** The newest simulation event's sequence number: the page's script watches for newer ones. */
  eventSeq: number | null;
  children: Child;
}

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'pairs', href: '/console', label: 'Server Disaster Recovery' },
  { section: 'lifecycle', href: '/console/lifecycle', label: 'Lifecycle' },
];

const ADVANCE_STEPS = [
  { by: '1m', label: '+1 min' },
  { by: '15m', label: '+15 min' },
  { by: '1h', label: '+1 h' },
  { by: '1d', label: '+1 day' },
];

const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%231d4ed8'/%3E%3Cpath d='M4 8h8M9 5l3 3-3 3' stroke='white' stroke-width='2' fill='none'/%3E%3C/svg%3E";

export function Shell(props: ShellProps) {
  const { credentials, clock } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · drsim console`}</title>
        <link rel="icon" href={FAVICON} />
        <link rel="stylesheet" href={assetUrl('console.css')} />
        <script src={assetUrl('idiomorph.js')} defer />
        <script src={assetUrl('console.js')} defer />
      </head>
      <body data-event-seq={props.eventSeq ?? ''} data-clock-now={clock?.now ?? ''}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href="/console">
            <span class="brand-mark" aria-hidden="true">
              ⇄
            </span>
            drsim <span class="brand-sub">console</span>
          </a>
          <nav class="topnav" aria-label="Console">
            {NAV.map((item) => (
              <a href={item.href} aria-current={item.section === props.section ? 'page' : undefined}>
                {item.label}
              </a>
            ))}
          </nav>
          <form class="token-form" data-token-form>
            <label for="console-token">Token</label>
            <input
              id="console-token"
              name="token"
              value={credentials.token}
              autocomplete="off"
              spellcheck={false}
              aria-describedby="console-token-hint"
            />
            <button type="submit" class="secondary">
              Switch
            </button>
            <span id="console-token-hint" class="visually-hidden">
              The console calls the API with this bearer token and shows what its tenant sees.
            </span>
          </form>
        </header>
        <SimStrip clock={clock} active={props.section === 'simulation'} />
        <div id="live-banner" class="live-banner" role="status" hidden>
          <strong data-live-reason>Live updates stopped.</strong> What you see may be out of date: last
          updated at <time data-live-last /> (your time). Reconnecting…
        </div>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <div id="announcer" class="visually-hidden" role="status" aria-live="polite" />
        <div id="console-alert" class="console-alert" role="alert" hidden />
        <footer class="footer">
          drsim simulates a Server Disaster Recovery service. Every action here goes through the same API as
          any client: <a href="/docs">API reference</a> · <a href="/openapi.json">OpenAPI document</a>
        </footer>
      </body>
    </html>
  );
}

/** The simulated clock and its quickest controls, on every page. */
function SimStrip(props: { clock: ClockView | null; active: boolean }) {
  const { clock } = props;
  return (
    <aside class="sim-strip" aria-label="Simulation controls">
      <span class="sim-tag">Simulation</span>
      <span class="sim-clock">
        <span class="sim-clock-label">Simulated time</span>{' '}
        <time data-sim-clock datetime={clock?.now ?? ''}>
          {clock ? formatTime(clock.now) : 'unavailable'}
        </time>{' '}
        <span class="sim-mode" data-sim-mode>
          {clock ? (clock.mode === 'realtime' ? `realtime ×${clock.speed}` : 'manual') : ''}
        </span>
      </span>
      <fieldset class="sim-advance">
        <legend class="visually-hidden">Advance the simulated clock</legend>
        {ADVANCE_STEPS.map((step) => (
          <button
            id={`advance-${step.by}`}
            type="button"
            class="sim-button"
            data-call="POST /_sim/clock/advance"
            data-body={JSON.stringify({ by: step.by })}
            data-done={`Clock advanced ${step.label.slice(1)}`}
          >
            {step.label}
          </button>
        ))}
      </fieldset>
      <a class="sim-link" href="/console/simulation" aria-current={props.active ? 'page' : undefined}>
        Simulation panel
      </a>
    </aside>
  );
}
