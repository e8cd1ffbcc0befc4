/**
 * HTTP chaos steps: rules on the service's API for this run only (removed when it ends), each
 * seeded from the run's seed and its step, and the switch of the runner's retry policy.
 */
import { createPrng } from '../prng.js';
import { StepFailure } from '../step-failure.js';
import { durationMs, type World } from '../world.js';
import type { StepRunners } from './types.js';

const SALT = 10_000;

function http(world: World): NonNullable<World['http']> {
  if (!world.http) throw new StepFailure('this target has no HTTP API to put chaos on');
  return world.http;
}

export const HTTP_RUNNERS: StepRunners<'addHttpChaos' | 'removeHttpChaos' | 'httpRetry'> = {
  addHttpChaos: async (world, step) => {
    const { method, path, effect, times, probability, phase } = step.body;
    const seed = Math.floor(createPrng(world.seed, SALT + step.index).next() * 0x1_0000_0000);
    const rule = await http(world).chaos.add({
      ...(method !== undefined && { method }),
      path,
      effect:
        effect.kind === 'status'
          ? {
              kind: 'status',
              status: effect.status,
              ...(effect.retryAfter !== undefined && {
                retryAfterSeconds: Math.round(durationMs(effect.retryAfter) / 1000),
              }),
            }
          : effect.kind === 'latency'
            ? { kind: 'latency', ms: durationMs(effect.duration) }
            : { kind: 'drop' },
      ...(times !== undefined && { times }),
      ...(probability !== undefined && { probability }),
      ...(phase !== undefined && { phase }),
      seed,
    });
    world.httpRules.push(rule.id);
    world.lastHttpRuleId = rule.id;
    if (step.as !== undefined) world.httpRuleNames.set(step.as, rule.id);
  },
  removeHttpChaos: async (world, { body }) => {
    const id =
      body.rule === undefined || body.rule === 'previous'
        ? world.lastHttpRuleId
        : (world.httpRuleNames.get(body.rule) ?? null);
    if (id === null) throw new StepFailure(`no HTTP chaos rule "${body.rule ?? 'previous'}" was added`);
    await http(world).chaos.remove(id);
    world.httpRules.splice(world.httpRules.indexOf(id), 1);
  },
  httpRetry: async (world, { body }) => {
    http(world).retry.enabled = body.enabled;
  },
};
