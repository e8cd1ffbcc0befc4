/**
 * `GET /_sim/health`'s handler, apart from the control routes: it validates nothing, so it is
 * answered without building them (routes/lazy.ts); routes/control.ts declares it for the
 * document with this same handler.
 */
import type { Handler } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Tenancy } from '../tenancy.js';

export function healthHandler(tenancy: Tenancy): Handler<AppEnv> {
  return (c) => {
    const caller = c.get('caller');
    const tenant = c.req.query('tenant') ?? caller.tenant;
    const visible =
      caller.refused === null && typeof tenant === 'string' && (caller.admin || tenant === caller.tenant);
    const world = visible && tenancy.worlds.has(tenant) ? tenancy.world(tenant) : null;
    if (world) c.set('world', world);
    return c.json(
      {
        status: 'ok' as const,
        seed: tenancy.worlds.seed,
        ...(world && {
          tenant: tenant as string,
          time: world.clock().now,
          worldSeed: world.seed,
          stateVersion: world.stateVersion(),
        }),
      },
      200,
    );
  };
}
