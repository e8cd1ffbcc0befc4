/**
 * How the console writes times, ages, durations and sizes. Ages are measured against the
 * simulated clock (the API's `X-Drsim-Time`), never the wall clock: the console runs in 2026
 * when the simulation does.
 */

/** `2026-01-06 02:00:00 UTC` */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `02:00:00`, for timelines where the day is shown apart. */
export function formatClockTime(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

/** A duration in seconds as a person says it: `45 s`, `12 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** How long ago `iso` was at the simulated `now`: `2 h ago`, `just now`. */
export function formatAge(iso: string | null | undefined, now: string | null): string {
  if (!iso) return '—';
  if (!now) return '';
  const seconds = (Date.parse(now) - Date.parse(iso)) / 1000;
  if (seconds < 1) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A checksum short enough for a table cell; the full one goes in a title. */
export function shortChecksum(checksum: string): string {
  const [algorithm, hex] = checksum.includes(':') ? checksum.split(':', 2) : ['', checksum];
  return `${algorithm ? `${algorithm}:` : ''}${(hex ?? '').slice(0, 12)}…`;
}

/** `failover` → `Failover`, `changeTestRecoveryPoint` → `Change test recovery point`. */
export function humanize(camel: string): string {
  const words = camel.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `1 recovery point`, `3 recovery points`, `1,000 DR pairs`. */
export function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}
