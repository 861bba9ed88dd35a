import { sql } from 'drizzle-orm';
import { selectRows, type Db, type DatabaseLike } from '../db/client.ts';
import { sha256 } from './archive.ts';

export type TableInfo = { name: string; columns: string[]; key: string[] };

/** The node's tables (schema public), with the columns a row is written back through and the primary key. */
export async function listTables(db: DatabaseLike): Promise<TableInfo[]> {
  const rows = await selectRows<{ name: string; columns: string[]; key: string[] | null }>(db, sql`
    select c.relname::text as name,
      (select json_agg(a.attname::text order by a.attnum) from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns,
      (select json_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum)) from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
        where i.indrelid = c.oid and i.indisprimary) as key
    from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    order by c.relname`);
  return rows.map((row) => ({ name: row.name, columns: row.columns, key: row.key ?? [] }));
}

/** A table or column name as SQL writes it. */
export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export type TableSink = {
  table(info: TableInfo): Promise<void>;
  /** Rows as PostgreSQL writes them with row_to_json: the same text on PGlite and PostgreSQL. */
  rows(lines: string[]): Promise<void>;
  end(info: TableInfo, rows: number, checksum: string): Promise<void>;
};

export type TableSummary = { rows: number; sha256: string };

/**
 * Reads every table, in primary-key order, inside one read-only snapshot: what a backup holds is
 * one moment of the node even while it takes writes. On PGlite the snapshot is the one connection,
 * so the node's own queries wait until the reading is done.
 */
export async function readTables(db: Db, sink: TableSink): Promise<Map<string, TableSummary>> {
  const summaries = new Map<string, TableSummary>();
  await db.transaction(
    async (tx) => {
      // Times written the same whichever zone the server is set to, so checksums compare.
      await tx.execute(sql`set local timezone to 'UTC'`);
      for (const info of await listTables(tx)) {
        await sink.table(info);
        const order = info.key.length ? info.key.map(quote).join(', ') : 't::text';
        await tx.execute(sql.raw(`declare kohtaamo_rows no scroll cursor for select row_to_json(t)::text as line from ${quote(info.name)} t order by ${order}`));
        const hash = sha256();
        let rows = 0;
        for (;;) {
          const batch = await selectRows<{ line: string }>(tx, sql`fetch forward 500 from kohtaamo_rows`);
          if (!batch.length) break;
          const lines = batch.map(({ line }) => line);
          for (const line of lines) hash.update(`${line}\n`);
          await sink.rows(lines);
          rows += batch.length;
        }
        await tx.execute(sql`close kohtaamo_rows`);
        const summary = { rows, sha256: hash.digest('hex') };
        summaries.set(info.name, summary);
        await sink.end(info, rows, summary.sha256);
      }
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return summaries;
}

/** Counts and checksums of every table, to compare two databases (a move, a restore). */
export function tableChecksums(db: Db): Promise<Map<string, TableSummary>> {
  const nothing = async () => {};
  return readTables(db, { table: nothing, rows: nothing, end: nothing });
}

/**
 * Puts rows back, inside the caller's transaction. Foreign keys are dropped while the rows go in
 * (a reply may come before its thread in the file) and added back by `finish`, which checks every
 * one of them: a single broken reference fails the whole restore.
 */
export async function startWritingRows(tx: DatabaseLike): Promise<{ insert(table: TableInfo, lines: string[]): Promise<void>; finish(): Promise<void> }> {
  const keys = await selectRows<{ table_name: string; name: string; definition: string }>(tx, sql`
      select conrelid::regclass::text as table_name, conname::text as name, pg_get_constraintdef(oid) as definition
      from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`);
  for (const key of keys) await tx.execute(sql.raw(`alter table ${key.table_name} drop constraint ${quote(key.name)}`));
  // Migrations seed some rows (the group topics); the backup's own rows replace them.
  const tables = await listTables(tx);
  if (tables.length) await tx.execute(sql.raw(`truncate ${tables.map((table) => quote(table.name)).join(', ')}`));
  return {
    async insert(table, lines) {
      if (!lines.length) return;
      const columns = table.columns.map(quote).join(', ');
      await tx.execute(sql`insert into ${sql.raw(quote(table.name))} (${sql.raw(columns)})
        select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(quote(table.name))}, ${`[${lines.join(',')}]`}::json)`);
    },
    async finish() {
      for (const key of keys) await tx.execute(sql.raw(`alter table ${key.table_name} add constraint ${quote(key.name)} ${key.definition}`));
      // A sequence behind a column (none today) continues after the restored rows.
      const sequences = await selectRows<{ statement: string }>(tx, sql`
          select format('select setval(%L, coalesce((select max(%I) from %I), 0) + 1, false)', s.oid::regclass::text, a.attname, t.relname) as statement
          from pg_class s join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
          join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
          where s.relkind = 'S' and s.relnamespace = 'public'::regnamespace`);
      for (const { statement } of sequences) await tx.execute(sql.raw(statement));
    },
  };
}
