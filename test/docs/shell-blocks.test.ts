/** How the docs' shell blocks are read; the blocks themselves run in executable-docs.test.ts. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, type ShellBlock, shellBlocks } from './shell-blocks.js';

// The blocks a reader runs but the docs test does not, each with its reason in the Markdown. A
// new one must be added here on purpose.
const NOT_EXECUTED = ['README.md: npm ci && npm start', 'README.md: npm i -D drsim'];

const blocks = DOCUMENTS.flatMap((file) => shellBlocks(file, readFileSync(file, 'utf8')));
const firstLine = (block: ShellBlock) => block.code.split('\n')[0]?.replace(/\s+#.*$/, '').trim();

describe('the docs’ shell blocks', () => {
  it('are found, and only the listed ones are not executed, each saying why', () => {
    for (const file of DOCUMENTS) {
      expect(blocks.filter((block) => block.file === file && !block.notExecuted).length).toBeGreaterThanOrEqual(2);
    }
    const skipped = blocks.filter((block) => block.notExecuted);
    expect(skipped.map((block) => `${block.file}: ${firstLine(block)}`)).toEqual(NOT_EXECUTED);
    for (const block of skipped) expect(block.notExecuted?.length).toBeGreaterThan(10);
  });

  it('reads markers and console prompts as documented', () => {
    const markdown = [
      '<!-- not-executed: runs until Ctrl-C -->',
      '```sh',
      'npm start',
      '```',
      '',
      '```console',
      '$ echo hi',
      'hi',
      '```',
      '```json',
      '{}',
      '```',
    ].join('\n');
    expect(shellBlocks('x.md', markdown)).toEqual([
      { file: 'x.md', line: 2, code: 'npm start\n', notExecuted: 'runs until Ctrl-C' },
      { file: 'x.md', line: 6, code: 'echo hi\n' },
    ]);
    expect(() => shellBlocks('x.md', '<!-- not-executed: why -->\nprose\n```sh\nls\n```')).toThrow(
      /just before a shell block/,
    );
  });
});

