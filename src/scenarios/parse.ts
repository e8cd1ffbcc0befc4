/**
 * Reads a `*.scenario.yaml` file into a Scenario, or into problems that each name the file,
 * the line and what to write instead. Three passes: YAML syntax, the shape of each part
 * (src/scenarios/schema), then the references between steps (a pair, a remembered recovery
 * point, a job's `as` name must exist where they are used).
 */
import { parseDuration } from '../sim/duration.js';
import { validateFaultRule } from '../sim/faults.js';
import { JOB_STEP_NAMES } from '../sim/job-plans.js';
import type { FaultTarget, SimEventKind } from '../sim/types.js';
import { EVENT_FIELDS } from './event-fields.js';
import { issueProblems, pathText } from './issues.js';
import { POINT_WORDS, PREVIOUS, readPointRef, readServerRef, SERVER_ROLES } from './refs.js';
import type { AnyStep, Scenario } from './scenario.js';
import { ScenarioHead, type ScenarioHeadInput, stepSchema } from './schema/scenario.js';
import { isActionKind, STEP_KINDS, STEP_SPECS, type StepKind } from './schema/steps.js';
import { closest, didYouMean } from './suggest.js';
import { type Path, type Problem, YamlSource } from './yaml-source.js';

export interface ParseResult {
  scenario: Scenario | null;
  problems: Problem[];
}

const EXTRA_KEYS = ['as', 'expectError'];
const DURATION_KEYS = new Set([
  'by',
  'timeout',
  'poll',
  'maxAge',
  'below',
  'maxAdvance',
  'after',
  'for',
  'duration',
  'retryAfter',
]);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseScenario(file: string, text: string): ParseResult {
  const source = new YamlSource(file, text);
  const syntax = source.syntaxProblems();
  if (syntax.length > 0) return { scenario: null, problems: syntax };
  const value = source.value();
  if (!isRecord(value)) {
    return {
      scenario: null,
      problems: [
        source.problem(
          [],
          'a scenario is a mapping with name, seed, setup and steps (see docs/scenarios.md).',
        ),
      ],
    };
  }
  const head = ScenarioHead.safeParse(value);
  const problems = head.success ? [] : issueProblems(source, [], ScenarioHead, value, head.error.issues);
  const rawSteps = Array.isArray(value.steps) ? value.steps : [];
  const steps = rawSteps.map((raw, index) => readStep(source, raw, index, problems));
  if (!head.success)
    return { scenario: null, problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };

  const scenario: Scenario = {
    file,
    name: head.data.name,
    ...(head.data.description !== undefined && { description: head.data.description }),
    seed: head.data.seed ?? 1,
    tags: head.data.tags ?? [],
    setup: head.data.setup ?? {},
    setupLine: source.at(
      value.setup === undefined ? ['steps', 0] : ['setup'],
      value.setup === undefined ? undefined : 'setup',
    ).line,
    steps: steps.filter((s): s is AnyStep => s !== null),
  };
  new References(source, head.data, problems).check(scenario);
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return problems.length > 0 ? { scenario: null, problems } : { scenario, problems };
}

/** One step into its canonical form, or problems. */
function readStep(source: YamlSource, raw: unknown, index: number, problems: Problem[]): AnyStep | null {
  const path: Path = ['steps', index];
  const here = (message: string, key?: string) =>
    problems.push(source.problem(path, `${pathText(path)}: ${message}`, key));
  if (!isRecord(raw)) {
    here(
      'a step is a mapping with one step kind, e.g. `- advance: 1h` or `- failover: { recoveryPoint: latest }`.',
    );
    return null;
  }
  const keys = Object.keys(raw).filter((k) => !EXTRA_KEYS.includes(k));
  const kinds = keys.filter((k): k is StepKind => (STEP_KINDS as string[]).includes(k));
  if (kinds.length === 0) {
    const unknown = keys[0];
    if (unknown === undefined) here('the step has no kind; write one, e.g. `- advance: 1h`.');
    else here(`unknown step "${unknown}".${didYouMean(unknown, STEP_KINDS, 'a step kind')}`, unknown);
    return null;
  }
  if (kinds.length > 1) {
    here(
      `a step has one kind, but this one has ${kinds.join(' and ')}: write them as separate steps.`,
      kinds[1],
    );
    return null;
  }
  const kind = kinds[0] as StepKind;
  if (raw.expectError !== undefined && !isActionKind(kind)) {
    here(`expectError applies to user actions only, and ${kind} is not one; remove it.`, 'expectError');
    return null;
  }
  const schema = stepSchema(kind);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...issueProblems(source, path, schema, raw, parsed.error.issues));
    return null;
  }
  const spec = STEP_SPECS[kind];
  const given = raw[kind];
  const body =
    given === null ? {} : isRecord(given) ? { ...given } : { [spec.shorthand?.key ?? kind]: given };
  const expectError =
    raw.expectError === undefined
      ? undefined
      : isRecord(raw.expectError)
        ? raw.expectError
        : { code: raw.expectError };
  return {
    kind,
    body,
    ...(typeof raw.as === 'string' && { as: raw.as }),
    ...(expectError !== undefined && { expectError }),
    ...(given !== null && !isRecord(given) && { shorthand: true }),
    index,
    line: source.at(path).line,
    path,
  } as AnyStep;
}

/** Accepted actions start a job (attach makes a pair, not a job). */
const makesJob = (step: AnyStep): boolean =>
  isActionKind(step.kind) && step.kind !== 'attach' && step.expectError === undefined;

/** The second pass: every name a step uses is defined before it. */
class References {
  private readonly pairs = new Set<string>();
  private readonly servers = new Set<string>();
  private readonly labels = new Map<string, StepKind>();
  private readonly remembered = new Set<string>();
  private readonly allPairs: string[];
  private actionsSoFar = 0;
  private faultsSoFar = 0;
  private httpRulesSoFar = 0;

  constructor(
    private readonly source: YamlSource,
    private readonly head: ScenarioHeadInput,
    private readonly problems: Problem[],
  ) {
    const attached = (head.steps as unknown[]).flatMap((s) =>
      isRecord(s) && isRecord(s.attach) && s.expectError === undefined && typeof s.attach.name === 'string'
        ? [s.attach.name]
        : [],
    );
    this.allPairs = [...new Set([...(head.setup?.pairs ?? []).map((p) => p.name), ...attached])];
  }

  private problem(path: Path, message: string, key?: string): void {
    this.problems.push(
      this.source.problem(path, `${pathText(key ? [...path, key] : path)}: ${message}`, key),
    );
  }

  check(scenario: Scenario): void {
    this.checkSetup();
    for (const step of scenario.steps) this.checkStep(step);
  }

  private checkSetup(): void {
    const setup = this.head.setup ?? {};
    (setup.servers ?? []).forEach((server, i) => {
      if (this.servers.has(server.name))
        this.problem(
          ['setup', 'servers', i, 'name'],
          `a second server named "${server.name}"; give each server its own name.`,
        );
      this.servers.add(server.name);
      if (server.expiresIn !== undefined)
        this.duration(['setup', 'servers', i, 'expiresIn'], server.expiresIn);
    });
    (setup.pairs ?? []).forEach((pair, i) => {
      if (this.pairs.has(pair.name))
        this.problem(
          ['setup', 'pairs', i, 'name'],
          `a second pair named "${pair.name}"; give each pair its own name.`,
        );
      this.pairs.add(pair.name);
      if (!this.servers.has(pair.main)) {
        this.problem(
          ['setup', 'pairs', i, 'main'],
          `no server "${pair.main}" in setup.servers.${didYouMean(pair.main, [...this.servers])}`,
        );
      }
    });
    if (setup.advance !== undefined) this.duration(['setup', 'advance'], setup.advance);
    if (setup.timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: setup.timeZone });
      } catch {
        this.problem(
          ['setup', 'timeZone'],
          `"${setup.timeZone}" is not an IANA time zone; write e.g. UTC or Asia/Ho_Chi_Minh.`,
        );
      }
    }
  }

  private checkStep(step: AnyStep): void {
    const short = STEP_SPECS[step.kind].shorthand?.key;
    const at = (...rest: (string | number)[]): Path =>
      step.shorthand && rest.length === 1 && rest[0] === short
        ? [...step.path, step.kind]
        : [...step.path, step.kind, ...rest];
    const body = step.body as Record<string, unknown>;
    // Without a pair, expectEvents reads every pair's events and expectCost the whole account.
    if (
      'pair' in STEP_SPECS[step.kind].body.shape &&
      step.kind !== 'expectEvents' &&
      step.kind !== 'expectCost'
    )
      this.defaultPair(step, body);
    // A recovery point belongs to a pair: a selector naming one needs the pair too.
    if (step.kind === 'addFault' && step.body.selector?.recoveryPoint !== undefined)
      this.defaultPair(step, step.body.selector);
    for (const [key, value] of Object.entries(body)) this.checkField(at(key), key, value, step);

    switch (step.kind) {
      case 'attach':
        if (this.pairs.has(step.body.name) && step.expectError === undefined) {
          this.problem(
            at('name'),
            `a pair named "${step.body.name}" already exists; give the new pair its own name.`,
          );
        }
        break;
      case 'addFault':
        this.checkFault(step, at);
        break;
      case 'addHttpChaos': {
        const { effect } = step.body;
        const ms = (d: string | number) => {
          try {
            return parseDuration(d);
          } catch {
            return 0; // reported by the duration check
          }
        };
        if (effect.kind === 'latency' && ms(effect.duration) > 60_000)
          this.problem(at('effect', 'duration'), 'a latency is at most 60s.');
        if (effect.kind === 'status' && effect.retryAfter !== undefined) {
          const retryMs = ms(effect.retryAfter);
          if (retryMs % 1000 !== 0 || retryMs > 3_600_000)
            this.problem(at('effect', 'retryAfter'), 'Retry-After is whole seconds, at most 1h, e.g. 2s.');
          if (effect.status === 500)
            this.problem(at('effect', 'retryAfter'), 'a 500 carries no Retry-After; use 429 or 503.');
        }
        break;
      }
      case 'remember':
        if (
          (POINT_WORDS as readonly string[]).includes(step.body.name) ||
          this.remembered.has(step.body.name)
        ) {
          this.problem(
            at('name'),
            `"${step.body.name}" is already a recovery point reference; choose another name.`,
          );
        }
        break;
      case 'expectEvents':
        if (
          step.body.since !== undefined &&
          step.body.since !== 'start' &&
          !this.labels.has(step.body.since)
        ) {
          this.problem(
            at('since'),
            `no earlier step is named "${step.body.since}".${didYouMean(step.body.since, ['start', ...this.labels.keys()])}`,
          );
        }
        this.require(step, at, ['inOrder', 'none']);
        this.checkMatchers(step, at);
        break;
      case 'waitForStatus':
      case 'expectStatus':
        this.require(step, at, ['status', 'testFailover']);
        break;
      case 'expectAllowedActions':
        this.require(step, at, ['exactly', 'includes', 'excludes']);
        break;
      case 'expectRecoveryPoints':
        this.require(step, at, ['count', 'atLeast', 'atMost', 'maxAge', 'tags']);
        break;
      case 'expectRpo':
        this.require(step, at, ['below', 'atLeast']);
        break;
      case 'expectServer':
        this.require(step, at, ['powerState', 'role', 'flavor', 'volumeSizesGb', 'expired']);
        break;
      case 'expectCost':
        this.require(step, at, ['total', 'atLeast', 'atMost']);
        break;
      case 'expectAccount':
        this.require(step, at, ['mode', 'balance', 'unpaid']);
        break;
      case 'expectJob':
        this.require(step, at, ['type', 'status', 'errorCode']);
        break;
    }

    // Names defined by this step are usable from the next one on.
    if (step.as !== undefined) {
      if (this.labels.has(step.as))
        this.problem(step.path, `another step is already named "${step.as}".`, 'as');
      this.labels.set(step.as, step.kind);
    }
    if (step.kind === 'attach' && step.expectError === undefined) this.pairs.add(step.body.name);
    if (step.kind === 'remember') this.remembered.add(step.body.name);
    if (makesJob(step)) this.actionsSoFar++;
    if (step.kind === 'addFault') this.faultsSoFar++;
    if (step.kind === 'addHttpChaos') this.httpRulesSoFar++;
  }

  private defaultPair(step: AnyStep, body: { pair?: unknown }): void {
    if (body.pair !== undefined) return;
    const known = [...this.pairs];
    if (known.length === 1) body.pair = known[0];
    else {
      const names =
        known.length > 0 ? `: ${known.join(', ')}` : ' (there is none yet: add one under setup.pairs)';
      this.problem(
        [...step.path, step.kind],
        `name the pair with \`pair:\`; ${known.length} pairs exist at this step${names}.`,
      );
    }
  }

  private require(step: AnyStep, at: (...rest: string[]) => Path, keys: string[]): void {
    const body = step.body as Record<string, unknown>;
    if (keys.every((k) => body[k] === undefined)) {
      this.problem(
        at(),
        `say what to ${step.kind.startsWith('wait') ? 'wait for' : 'expect'}: write ${keys.join(' and/or ')}.`,
      );
    }
  }

  private checkField(path: Path, key: string, value: unknown, step: AnyStep): void {
    const text = typeof value === 'string' ? value : null;
    if (key === 'pair' && text !== null) this.pair(path, text);
    else if (key === 'server' && text !== null) this.server(path, text);
    else if (key === 'recoveryPoint' && text !== null) {
      // Test Failover (and its change of point) may test the current time instead of a point.
      const testsNow =
        text === 'now' && (step.kind === 'testFailover' || step.kind === 'changeTestRecoveryPoint');
      if (!testsNow) this.point(path, text);
    } else if ((key === 'job' || key === 'fault') && text !== null) this.label(path, text, key);
    else if (key === 'rule' && step.kind === 'removeHttpChaos' && text !== null)
      this.label(path, text, 'rule');
    else if (key === 'pairs' && Array.isArray(value)) {
      for (const [i, name] of value.entries()) this.pair([...path, i], String(name));
    } else if (DURATION_KEYS.has(key) || (key === 'atLeast' && step.kind === 'expectRpo')) {
      this.duration(path, value);
    } else if (isRecord(value) && (step.kind === 'addFault' || step.kind === 'addHttpChaos')) {
      for (const [k, v] of Object.entries(value)) this.checkField([...path, k], k, v, step);
    }
  }

  private pair(path: Path, name: string): void {
    if (this.pairs.has(name)) return;
    const later = this.allPairs.includes(name)
      ? ` It is attached by a later step; move this step after it.`
      : '';
    this.problem(path, `no pair "${name}" here.${later || didYouMean(name, [...this.pairs], 'a pair')}`);
  }

  private server(path: Path, text: string): void {
    const ref = readServerRef(text);
    if (ref.kind !== 'named') {
      this.pair(path, ref.pair);
      return;
    }
    if (this.servers.has(ref.name)) return;
    const forms = [
      ...this.servers,
      ...[...this.pairs].flatMap((p) => Object.values(SERVER_ROLES).map((r) => `${r} ${p}`)),
    ];
    this.problem(
      path,
      `no server "${ref.name}".${didYouMean(ref.name, forms, 'a server from setup.servers or')}`,
    );
  }

  private point(path: Path, text: string): void {
    let ref: ReturnType<typeof readPointRef>;
    try {
      ref = readPointRef(text);
    } catch (err) {
      this.problem(path, (err as Error).message);
      return;
    }
    if (ref.kind !== 'named' || this.remembered.has(ref.name)) return;
    const known = [...POINT_WORDS, ...this.remembered];
    this.problem(
      path,
      `"${ref.name}" is not a recovery point reference.${didYouMean(ref.name, known)} (Also: '30m ago', or a name given by an earlier remember step.)`,
    );
  }

  private label(path: Path, name: string, what: 'job' | 'fault' | 'rule'): void {
    const kindOk = (kind: StepKind) =>
      what === 'job'
        ? isActionKind(kind) && kind !== 'attach'
        : kind === (what === 'fault' ? 'addFault' : 'addHttpChaos');
    if (name === PREVIOUS) {
      const before =
        what === 'job' ? this.actionsSoFar : what === 'fault' ? this.faultsSoFar : this.httpRulesSoFar;
      if (before === 0) {
        const maker =
          what === 'job' ? 'action step' : what === 'fault' ? 'addFault step' : 'addHttpChaos step';
        this.problem(path, `there is no ${maker} before this one for "previous" to refer to.`);
      }
      return;
    }
    const kind = this.labels.get(name);
    if (kind !== undefined && kindOk(kind)) return;
    const names = [PREVIOUS, ...[...this.labels].filter(([, k]) => kindOk(k)).map(([n]) => n)];
    const why = kind !== undefined ? ` The step named "${name}" is a ${kind}, which has no ${what}.` : '';
    this.problem(path, `no ${what} "${name}".${why}${didYouMean(name, names)}`);
  }

  private duration(path: Path, value: unknown): void {
    try {
      parseDuration(value as string | number);
    } catch (err) {
      this.problem(path, (err as Error).message);
    }
  }

  /** The engine's own rule validation, with placeholder ids for the references. */
  private checkFault(step: Extract<AnyStep, { kind: 'addFault' }>, at: (...rest: string[]) => Path): void {
    const { target, effect, selector, trigger } = step.body;
    try {
      validateFaultRule({
        target: target as FaultTarget,
        effect,
        selector: {
          ...(selector?.pair !== undefined && { pairId: 'pair' }),
          ...(selector?.recoveryPoint !== undefined && { recoveryPointId: 'point' }),
          ...(selector?.step !== undefined && { step: selector.step }),
        },
        trigger: {
          ...(trigger?.times !== undefined && { times: trigger.times }),
          ...(trigger?.probability !== undefined && { probability: trigger.probability }),
        },
      });
    } catch (err) {
      this.problem(at(), (err as Error).message);
      return;
    }
    const stepName = selector?.step;
    if (stepName === undefined) return;
    const names = (JOB_STEP_NAMES as Record<string, readonly string[] | undefined>)[target];
    if (names === undefined) {
      this.problem(
        at('selector', 'step'),
        `target ${target} has no job steps, so a rule naming a step would never fire; remove selector.step.`,
      );
    } else if (!names.includes(stepName)) {
      const near = closest(stepName, names);
      this.problem(
        at('selector', 'step'),
        `"${stepName}" is not a step of the ${target} job (names are exact, case included), so the rule would never fire.${near ? ` Did you mean "${near}"?` : ''} Its steps: ${names.map((n) => `"${n}"`).join(', ')}.`,
      );
    }
  }

  /** Every field a matcher names must exist on its kind of event, with a value that can occur. */
  private checkMatchers(
    step: Extract<AnyStep, { kind: 'expectEvents' }>,
    at: (...rest: (string | number)[]) => Path,
  ): void {
    for (const list of ['inOrder', 'none'] as const) {
      (step.body[list] ?? []).forEach((matcher, i) => {
        const fields = EVENT_FIELDS[matcher.kind as SimEventKind];
        if (fields === undefined) return;
        for (const [key, value] of Object.entries(matcher)) {
          if (key === 'kind') continue;
          const path = at(list, i, key);
          const allowed = fields[key];
          if (!Object.hasOwn(fields, key)) {
            const known = Object.keys(fields);
            this.problem(
              path,
              `a ${matcher.kind} event has no field "${key}", so this matcher would never match.${didYouMean(key, known)} Its fields: ${known.join(', ') || '(none)'}.`,
            );
          } else if (allowed && !allowed.includes(String(value))) {
            this.problem(
              path,
              `${key} of a ${matcher.kind} event is never "${String(value)}" (values are exact, case included).${didYouMean(String(value), allowed)}`,
            );
          }
        }
      });
    }
  }
}
