import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Database } from '../db/client.ts';
import { appliedMigrations, knownMigrations } from '../db/migrate.ts';
import { BackupWriter, BadBackupError, formatVersion, readLines, sha256, type Manifest } from './archive.ts';
import { readTables, type TableInfo, type TableSummary } from './tables.ts';

export type BackupSummary = { path: string; bytes: number; tables: number; rows: number; files: number; schema: string; checksums: Map<string, TableSummary> };

/** Every file under a directory, as paths relative to it with forward slashes. */
function filesUnder(dir: string | null): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** The newest applied migration's name, or a description when this code does not know it. */
export function schemaName(migrations: number[]): string {
  const last = migrations.at(-1);
  if (last === undefined) return 'empty';
  return knownMigrations().find((migration) => migration.when === last)?.tag ?? `unknown (${last})`;
}

/**
 * Writes the whole node (every table, and the uploaded files unless `uploadsDir` is null) into one
 * backup file. The file appears under its name only when complete: a backup cut off midway never
 * replaces another.
 */
export async function writeBackup(database: Database, options: { path: string; uploadsDir: string | null }): Promise<BackupSummary> {
  const writer = new BackupWriter(options.path);
  try {
    const migrations = await appliedMigrations(database.db);
    const manifest: Manifest = {
      kohtaamo: 'backup',
      format: formatVersion,
      createdAt: new Date().toISOString(),
      database: database.kind,
      migrations,
      schema: schemaName(migrations),
    };
    await writer.line(manifest);
    const tables = await readTables(database.db, {
      table: (info) => writer.line({ table: info.name, columns: info.columns, key: info.key }),
      rows: (lines) => writer.raw(lines.join('\n')),
      end: (_info, rows, checksum) => writer.line({ end: 'table', rows, sha256: checksum }),
    });
    const files = filesUnder(options.uploadsDir);
    for (const file of files) {
      const path = join(options.uploadsDir!, file);
      await writer.line({ file, size: statSync(path).size });
      const hash = sha256();
      // A multiple of 3 bytes, so each piece is whole base64.
      for await (const chunk of createReadStream(path, { highWaterMark: 48 * 1024 }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        await writer.line(chunk.toString('base64'));
      }
      await writer.line({ end: 'file', sha256: hash.digest('hex') });
    }
    await writer.line({ end: 'backup', tables: tables.size, files: files.length });
    await writer.finish();
    const rows = [...tables.values()].reduce((sum, table) => sum + table.rows, 0);
    return { path: options.path, bytes: statSync(options.path).size, tables: tables.size, rows, files: files.length, schema: manifest.schema, checksums: tables };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

export type BackupEvent =
  | { kind: 'manifest'; manifest: Manifest }
  | { kind: 'rows'; table: TableInfo; lines: string[]; last: boolean }
  | { kind: 'file'; file: string; data: Buffer[] };

const batchRows = 500;
const batchBytes = 4 * 1024 * 1024;

function isManifest(value: unknown): value is Manifest {
  const manifest = value as Manifest;
  return typeof value === 'object' && value !== null && manifest.kohtaamo === 'backup' && Array.isArray(manifest.migrations) && manifest.migrations.every(Number.isInteger);
}

/**
 * Reads a backup file, checking as it goes that every table's rows and every file match their
 * counts and checksums and that the file ends where it should: rows in batches, files whole.
 */
export async function* readBackup(path: string): AsyncGenerator<BackupEvent> {
  let table: (TableInfo & { rows: number; hash: ReturnType<typeof sha256>; batch: string[]; bytes: number }) | null = null;
  let file: { file: string; size: number; hash: ReturnType<typeof sha256>; data: Buffer[] } | null = null;
  let first = true;
  let ended = false;
  for await (const { text, value } of readLines(path)) {
    if (ended) throw new BadBackupError('it goes on after its end');
    if (first) {
      first = false;
      if (!isManifest(value)) throw new BadBackupError('it does not start as a Kohtaamo backup');
      if (value.format > formatVersion) throw new BadBackupError(`it was written in a newer format (${value.format}); upgrade Kohtaamo first`);
      yield { kind: 'manifest', manifest: value };
      continue;
    }
    const record = value as Record<string, unknown>;
    if (table) {
      if (record?.end === 'table') {
        if (record.rows !== table.rows || record.sha256 !== table.hash.digest('hex')) throw new BadBackupError(`the rows of ${table.name} do not match their checksum`);
        // Always, even when empty: a reader counts the tables by their last batch.
        yield { kind: 'rows', table, lines: table.batch, last: true };
        table = null;
        continue;
      }
      table.hash.update(`${text}\n`);
      table.rows++;
      table.batch.push(text);
      table.bytes += text.length;
      if (table.batch.length >= batchRows || table.bytes >= batchBytes) {
        yield { kind: 'rows', table, lines: table.batch, last: false };
        table.batch = [];
        table.bytes = 0;
      }
      continue;
    }
    if (file) {
      if (typeof value === 'string') {
        const chunk = Buffer.from(value, 'base64');
        file.hash.update(chunk);
        file.data.push(chunk);
        continue;
      }
      const size = file.data.reduce((sum, chunk) => sum + chunk.length, 0);
      if (record?.end !== 'file' || record.sha256 !== file.hash.digest('hex') || size !== file.size) throw new BadBackupError(`the file ${file.file} does not match its checksum`);
      yield { kind: 'file', file: file.file, data: file.data };
      file = null;
      continue;
    }
    if (typeof record?.table === 'string' && Array.isArray(record.columns)) {
      table = { name: record.table, columns: record.columns as string[], key: (record.key as string[]) ?? [], rows: 0, hash: sha256(), batch: [], bytes: 0 };
    } else if (typeof record?.file === 'string' && !record.file.split('/').includes('..') && !record.file.startsWith('/')) {
      file = { file: record.file, size: Number(record.size), hash: sha256(), data: [] };
    } else if (record?.end === 'backup') {
      ended = true;
    } else {
      throw new BadBackupError('it holds a line that is not part of a backup');
    }
  }
  if (first) throw new BadBackupError('it is empty');
  if (!ended) throw new BadBackupError('it ends before its last line: it was cut off');
}

/** Reads a whole backup file once, to refuse a damaged one before anything is changed. */
export async function checkBackup(path: string): Promise<{ manifest: Manifest; tables: number; rows: number; files: number }> {
  let manifest: Manifest | null = null;
  let tables = 0;
  let rows = 0;
  let files = 0;
  for await (const event of readBackup(path)) {
    if (event.kind === 'manifest') manifest = event.manifest;
    else if (event.kind === 'rows') {
      if (event.last) tables++;
      rows += event.lines.length;
    } else files++;
  }
  return { manifest: manifest!, tables, rows, files };
}
