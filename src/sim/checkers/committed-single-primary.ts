/**
 * Committed single primary: after a commit there is exactly one server in charge. A COMMITTED
 * pair's shadow is its one PRIMARY server and its main is RETIRED; and no server is the main or
 * shadow of two pairs that are still live (not COMMITTED or DETACHED). A committed pair's server
 * may later be attached as the main of a newer pair (re-protecting the new primary is the point
 * of committing); it then carries that pair's role, which is accepted only when such a later
 * pair.attached event names it.
 */
import type { Checker, StoredServer } from '../contract.js';
import { eventsByPair, str, transitionOf } from './history.js';

const FINAL = new Set(['COMMITTED', 'DETACHED']);

export const committedSinglePrimary: Checker = {
  name: 'committed-single-primary',
  description:
    'A COMMITTED pair has one PRIMARY (its shadow) and a RETIRED main; no server serves two live pairs.',
  check(state) {
    const violations: string[] = [];
    const servers = new Map(state.servers.map((s) => [s.id, s]));
    const primariesOf = new Map<string, StoredServer[]>();
    for (const server of state.servers) {
      if (server.role !== 'PRIMARY' || server.pairId === null) continue;
      primariesOf.set(server.pairId, [...(primariesOf.get(server.pairId) ?? []), server]);
    }
    /** Seqs of the pair.attached events naming each server as main. */
    const attachedAt = new Map<string, number[]>();
    for (const event of state.events) {
      const main = event.kind === 'pair.attached' ? str(event.data.mainServerId) : null;
      if (main !== null) attachedAt.set(main, [...(attachedAt.get(main) ?? []), event.seq]);
    }
    const byPair = eventsByPair(state);

    for (const pair of state.pairs) {
      if (pair.status !== 'COMMITTED') continue;
      const committedSeq =
        (byPair.get(pair.id) ?? []).find(
          (e) => e.kind === 'pair.transition' && transitionOf(e).to === 'COMMITTED',
        )?.seq ?? Number.NEGATIVE_INFINITY;
      const movedOn = (id: string) => (attachedAt.get(id) ?? []).some((seq) => seq > committedSeq);
      const requireRole = (id: string | null, role: 'PRIMARY' | 'RETIRED', what: string) => {
        const server = id === null ? undefined : servers.get(id);
        if (!server) {
          violations.push(`Pair ${pair.id} (COMMITTED): its ${what} ${id ?? '(none)'} does not exist.`);
        } else if (server.pairId === pair.id ? server.role !== role : !movedOn(server.id)) {
          violations.push(
            `Pair ${pair.id} (COMMITTED): its ${what} ${server.id} is ${server.role} of pair ${server.pairId ?? '(none)'}, not ${role} of this pair.`,
          );
        }
      };
      requireRole(pair.shadowServerId, 'PRIMARY', 'shadow');
      requireRole(pair.mainServerId, 'RETIRED', 'main server');
      const strays = (primariesOf.get(pair.id) ?? []).filter((s) => s.id !== pair.shadowServerId);
      if (strays.length > 0) {
        violations.push(
          `Pair ${pair.id} (COMMITTED): ${strays.map((s) => s.id).join(', ')} also PRIMARY of it, besides its shadow ${pair.shadowServerId}; a committed pair has one primary.`,
        );
      }
    }

    const liveOf = new Map<string, string[]>();
    for (const pair of state.pairs) {
      if (FINAL.has(pair.status)) continue;
      for (const [id, role] of [
        [pair.mainServerId, 'main'],
        [pair.shadowServerId, 'shadow'],
      ] as const) {
        if (id !== null)
          liveOf.set(id, [...(liveOf.get(id) ?? []), `${role} of ${pair.id} (${pair.status})`]);
      }
    }
    for (const [id, uses] of liveOf) {
      if (uses.length > 1)
        violations.push(`Server ${id} serves ${uses.length} live pairs at once: ${uses.join(', ')}.`);
    }
    return violations;
  },
};
