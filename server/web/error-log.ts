// What the server log says of an unexpected error. A failed query's message carries its parameter
// values (a password hash, a typed name or message), and a database error's message may quote a
// value too: so the log gets the query's text (which holds only placeholders), the database's
// error code and names, and the stack's frames, never a value.
import { DrizzleQueryError } from 'drizzle-orm/errors';

type DatabaseFailure = { code?: string; table?: string; column?: string; constraint?: string; severity?: string };

function frames(stack: string | undefined): string {
  return (stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n');
}

function databaseDetails(failure: DatabaseFailure | undefined): string {
  if (!failure) return '';
  const names = [failure.code && `code ${failure.code}`, failure.table && `table ${failure.table}`, failure.column && `column ${failure.column}`, failure.constraint && `constraint ${failure.constraint}`];
  return names.filter(Boolean).join(', ');
}

/** The query's opening words, as its name: "select … from "posts" …" (placeholders only). */
function queryName(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}

export function describeForLog(error: unknown): string {
  if (error instanceof DrizzleQueryError) {
    return `database query failed (${databaseDetails(error.cause as DatabaseFailure | undefined) || 'no code'}): ${queryName(error.query)}\n${frames(error.stack)}`;
  }
  const failure = error as DatabaseFailure & { stack?: string };
  if (failure && typeof failure === 'object' && failure.severity && failure.code) return `database error (${databaseDetails(failure)})\n${frames(failure.stack)}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
