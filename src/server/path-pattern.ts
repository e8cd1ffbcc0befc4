/**
 * Path patterns for HTTP chaos rules and journal queries: `*` matches within one segment,
 * `**` across segments, anything else literally: `/v1/dr-pairs/*` + `/failover` is every
 * pair's failover.
 */

export type PathMatcher = (path: string) => boolean;

export function pathMatcher(pattern: string): PathMatcher {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

/** A method filter: undefined or `*` match any method. */
export const methodMatches = (filter: string | undefined, method: string): boolean =>
  filter === undefined || filter === '*' || filter.toUpperCase() === method.toUpperCase();
