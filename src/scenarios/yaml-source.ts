/**
 * A YAML file with its node positions (`parseDocument` with a LineCounter), so that any
 * problem found at a path of the parsed value (`steps.3.failover.recoveryPoint`) is reported at
 * its file, line and column.
 */
import { type Document, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export type Path = readonly (string | number)[];

/** One mistake in a file, reported as `file:line:col: message`. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export const formatProblem = (p: Problem): string => `${p.file}:${p.line}:${p.col}: ${p.message}`;

export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** YAML syntax errors, each at its place. */
  syntaxProblems(): Problem[] {
    return this.doc.errors.map((err) => {
      const { line, col } = this.lines.linePos(err.pos[0]);
      return { file: this.file, line, col, message: `YAML: ${err.message.split('\n')[0]}` };
    });
  }

  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /**
   * Where `path` is written: the value's position, or the key's when `key` is set (for an
   * unknown key). A path that does not exist (a missing field) points at its nearest parent.
   */
  at(path: Path, key?: string): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
    for (const segment of key === undefined ? path : [...path, key]) {
      let next: unknown;
      let keyOffset: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
        );
        next = pair?.value;
        keyOffset = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
        if (key !== undefined && segment === key && keyOffset !== undefined) {
          offset = keyOffset;
          break;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (!isNode(next)) {
        if (keyOffset !== undefined) offset = keyOffset;
        break;
      }
      node = next;
      offset = next.range?.[0] ?? offset;
    }
    return this.lines.linePos(offset);
  }

  problem(path: Path, message: string, key?: string): Problem {
    return { file: this.file, ...this.at(path, key), message };
  }
}
