import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, fsyncSync, openSync, closeSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';

/**
 * A backup file is gzip-compressed JSON lines, readable with `zcat FILE | head -1`:
 *
 *   {"kohtaamo":"backup","format":1,…}         the manifest: when, from which database, schema version
 *   {"table":"posts","columns":[…]}            then for each table: its header,
 *   {…}                                        one line per row (PostgreSQL's own row_to_json),
 *   {"end":"table","rows":N,"sha256":"…"}      and a count and checksum of those lines
 *   {"file":"uploads/x.webp","size":N}         then each uploaded file: base64 lines,
 *   "iVBORw0K…"
 *   {"end":"file","sha256":"…"}
 *   {"end":"backup","tables":N,"files":N}      and a last line, so a cut-off file is seen as such.
 */
export const formatVersion = 1;

export type Manifest = {
  kohtaamo: 'backup';
  format: number;
  createdAt: string;
  database: 'pglite' | 'postgresql';
  /** The applied migrations' `when` values, oldest first: the schema version the rows belong to. */
  migrations: number[];
  /** The newest applied migration's name, for messages. */
  schema: string;
};

/**
 * Writes a backup to a temporary name beside `path`, renamed into place only when complete. The
 * lines go to a plain file first and are compressed after the last one: reading the database
 * (which on PGlite holds the node's one connection) never waits for compression.
 */
export class BackupWriter {
  readonly path: string;
  readonly #partial: string;
  readonly #plain: string;
  readonly #file: WriteStream;
  #failure: Error | null = null;

  constructor(path: string) {
    this.path = path;
    // Dot names: never listed as backups, and an interrupted one never replaces a finished one.
    this.#partial = join(dirname(path), `.${basename(path)}.partial-${process.pid}`);
    this.#plain = `${this.#partial}.jsonl`;
    this.#file = createWriteStream(this.#plain, { mode: 0o600 });
    this.#file.on('error', (error: Error) => (this.#failure ??= error));
  }

  async line(value: unknown): Promise<void> {
    await this.raw(JSON.stringify(value));
  }

  /** Lines already written as JSON (rows as the database wrote them), joined by line breaks. */
  async raw(text: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (!this.#file.write(`${text}\n`)) await once(this.#file, 'drain');
  }

  async finish(): Promise<void> {
    this.#file.end();
    await once(this.#file, 'close');
    if (this.#failure) throw this.#failure;
    await pipeline(createReadStream(this.#plain), createGzip({ level: 6 }), createWriteStream(this.#partial, { mode: 0o600 }));
    rmSync(this.#plain, { force: true });
    const handle = openSync(this.#partial, 'r');
    try {
      fsyncSync(handle);
    } finally {
      closeSync(handle);
    }
    renameSync(this.#partial, this.path);
  }

  abort(): void {
    this.#file.destroy();
    rmSync(this.#plain, { force: true });
    rmSync(this.#partial, { force: true });
  }
}

export class BadBackupError extends Error {}

/** The lines of a backup file, parsed; a damaged or cut-off file ends in a BadBackupError. */
export async function* readLines(path: string): AsyncGenerator<{ text: string; value: unknown }> {
  const input = createReadStream(path).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const text of lines) {
      number++;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new BadBackupError(`line ${number} is not JSON`);
      }
      yield { text, value };
    }
  } catch (error) {
    if (error instanceof BadBackupError) throw error;
    throw new BadBackupError(`it could not be read to the end (${(error as Error).message})`);
  } finally {
    input.destroy();
  }
}

export function sha256(): Hash {
  return createHash('sha256');
}
