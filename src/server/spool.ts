/**
 * A large JSON answer (an exported state) without one giant string: the pieces are written to
 * a temporary file in one synchronous run — so the export is one consistent read, and no other
 * request's write can come between its records — then the file is streamed to the client and
 * removed. Memory stays at one buffer of pieces however large the state.
 */
import { closeSync, createReadStream, fstatSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** Pieces are gathered up to this many characters before each write. */
const FLUSH_CHARS = 1 << 20;

export function spooled(pieces: Iterable<string>): { body: ReadableStream<Uint8Array>; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'drsim-export-'));
  const file = join(dir, 'state.json');
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let bytes: number;
  try {
    const fd = openSync(file, 'w');
    try {
      let buffered: string[] = [];
      let size = 0;
      for (const piece of pieces) {
        buffered.push(piece);
        size += piece.length;
        if (size >= FLUSH_CHARS) {
          writeSync(fd, buffered.join(''));
          buffered = [];
          size = 0;
        }
      }
      writeSync(fd, buffered.join(''));
      bytes = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    remove();
    throw error;
  }
  const stream = createReadStream(file);
  stream.once('close', remove);
  return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, bytes };
}
