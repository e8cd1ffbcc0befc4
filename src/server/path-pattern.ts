/**
 * Path patterns for HTTP chaos rules and journal queries: `*` matches within one segment,
 * `**` across segments, anything else literally: `/v1/dr-pairs/*` + `/failover` is every
 * pair's failover.
 *
 * Matching simulates the pattern as a set of positions, one path character at a time, so it
 * takes at most (path length × pattern length) steps whatever the pattern: a regular
 * expression with backtracking let `/v1/*a*a*a*a*a*a*a*a*b` freeze the server on a long path.
 */

export type PathMatcher = (path: string) => boolean;

/** Patterns are at most this long (the API schemas say the same). */
export const MAX_PATTERN_LENGTH = 512;

type Token = { kind: 'char'; char: string } | { kind: 'star' } | { kind: 'globstar' };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*') {
      tokens.push({ kind: 'char', char: pattern[i] as string });
      continue;
    }
    let run = 1;
    while (pattern[i + 1] === '*') {
      run++;
      i++;
    }
    // Any run of two or more stars crosses segments; consecutive stars add nothing.
    const last = tokens.at(-1);
    const kind = run >= 2 ? 'globstar' : 'star';
    if (last?.kind === 'globstar') continue;
    if (last?.kind === 'star') tokens[tokens.length - 1] = { kind };
    else tokens.push({ kind });
  }
  return tokens;
}

export function pathMatcher(pattern: string): PathMatcher {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new RangeError(`path pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  const tokens = tokenize(pattern);
  const size = tokens.length;
  /** Adds position `i` and every position reachable from it by a star matching nothing. */
  const close = (set: Uint8Array, from: number) => {
    for (let i = from; i <= size; i++) {
      if (set[i]) return;
      set[i] = 1;
      if (tokens[i]?.kind === 'char' || i === size) return;
    }
  };
  return (path) => {
    let current = new Uint8Array(size + 1);
    let next = new Uint8Array(size + 1);
    close(current, 0);
    for (let at = 0; at < path.length; at++) {
      const char = path[at];
      next.fill(0);
      let any = false;
      for (let i = 0; i < size; i++) {
        if (!current[i]) continue;
        const token = tokens[i] as Token;
        if (token.kind === 'char') {
          if (token.char === char) {
            close(next, i + 1);
            any = true;
          }
        } else if (token.kind === 'globstar' || char !== '/') {
          // A star stays where it is (it may match more) and may also end here.
          next[i] = 1;
          close(next, i + 1);
          any = true;
        }
      }
      if (!any) return false;
      [current, next] = [next, current];
    }
    return current[size] === 1;
  };
}

/** A method filter: undefined or `*` match any method. */
export const methodMatches = (filter: string | undefined, method: string): boolean =>
  filter === undefined || filter === '*' || filter.toUpperCase() === method.toUpperCase();
