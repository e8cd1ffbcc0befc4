/**
 * How drsim stored a job's steps and an action's packed events before migration 10 (words spelt
 * out, absolute times): kept here so that tests can write rows as an older drsim did and check
 * that this one reads them back the same.
 */

/** A job's steps as stored before migration 10. */
export function stepsTextV1(steps: readonly object[]): string {
  const keys = ['name', 'status', 'startedAt', 'endedAt', 'log', 'durationMs'];
  const msOf = (value: unknown) => {
    if (typeof value !== 'string') return value;
    const ms = Date.parse(value);
    return Number.isFinite(ms) && new Date(ms).toISOString() === value ? ms : value;
  };
  return JSON.stringify(
    steps.map((step) => {
      const s = step as Record<string, unknown>;
      const own = Object.keys(s);
      const usual =
        own.length === keys.length &&
        own.every((key, i) => key === keys[i] && s[key] !== undefined) &&
        [s.startedAt, s.endedAt].every((t) => t === null || typeof t === 'string');
      return usual ? [s.name, s.status, msOf(s.startedAt), msOf(s.endedAt), s.log, s.durationMs] : step;
    }),
  );
}

/** An action's `job.created`, `pair.transition` and `job.ended` data as one row's data before migration 10. */
export function jobEventsTextV1(created: string, transition: string, ended: string): string {
  const c = JSON.parse(created) as Record<string, unknown>;
  const t = JSON.parse(transition) as Record<string, unknown>;
  const e = JSON.parse(ended) as Record<string, unknown>;
  return JSON.stringify([
    c.jobId,
    c.type,
    c.request,
    t.event,
    t.from,
    t.to,
    t.testFrom,
    t.testTo,
    t.activeRecoveryPointId,
    e.status,
    e.error,
  ]);
}
