// Makes a new PGlite data directory (initdb) and, when asked, brings it to the current schema,
// then stops: run by pglite-thread.ts in a process of its own, with V8 compiling PostgreSQL's
// WebAssembly only once (Liftoff, no optimising tier-up). Making a directory and its tables is
// the one time nearly all of PostgreSQL runs hot at once, and optimising it then takes about half
// a gigabyte that would stay with the node; the node opens the made directory in its own thread,
// where only what it really uses is optimised.
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { pgliteOptions } from './pglite-options.ts';

const [dataDir, migrationsFolder] = process.argv.slice(2);
const pg = await PGlite.create(dataDir!, pgliteOptions);
if (migrationsFolder) await migrate(drizzle(pg), { migrationsFolder });
await pg.close();
