/**
 * The shell blocks of a Markdown document, as a reader copies them: ```sh, ```bash and
 * ```shell blocks as they are, ```console blocks as their `$ ` lines. A block preceded by
 * `<!-- not-executed: reason -->` carries that reason and is not run.
 */

export interface ShellBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The reason given by a `not-executed` marker, when the block is not run. */
  notExecuted?: string;
}

/** The documents whose shell blocks run in the test command. */
export const DOCUMENTS = ['README.md', 'docs/api.md'];

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const MARKER = /^<!--\s*not-executed:\s*(.*?)\s*-->$/;

export function shellBlocks(file: string, markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  let pendingMarker: { reason: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const marker = MARKER.exec(text.trim());
    if (marker) {
      if (!marker[1]) throw new Error(`${file}:${i + 1}: a not-executed marker must say why`);
      pendingMarker = { reason: marker[1], line: i + 1 };
      continue;
    }
    const fence = /^(`{3,})\s*([\w-]*)/.exec(text);
    if (!fence) {
      if (text.trim() !== '' && pendingMarker) {
        throw new Error(`${file}:${pendingMarker.line}: a not-executed marker must come just before a shell block`);
      }
      continue;
    }
    const close = fence[1] ?? '```';
    const lang = fence[2] ?? '';
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? '').startsWith(close)) body.push(lines[j++] ?? '');
    if (SHELL.has(lang)) {
      const code =
        lang === 'console'
          ? body.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2))
          : body;
      blocks.push({
        file,
        line: i + 1,
        code: `${code.join('\n')}\n`,
        ...(pendingMarker ? { notExecuted: pendingMarker.reason } : {}),
      });
    } else if (pendingMarker) {
      throw new Error(`${file}:${pendingMarker.line}: a not-executed marker must come just before a shell block`);
    }
    pendingMarker = undefined;
    i = j;
  }
  if (pendingMarker) throw new Error(`${file}:${pendingMarker.line}: a not-executed marker before no block`);
  return blocks;
}
