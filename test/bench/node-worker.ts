// One of WEB_CONCURRENCY processes of a bench server (serve.ts): the node on the bench's
// database, listening on the port the first process chose (node:cluster shares it).
import { createServer } from 'node:http';
import { openDatabase } from '../../server/db/client.ts';
import { listenForChanges } from '../../server/db/changes.ts';
import { benchApp } from './serve.ts';

const databaseUrl = process.env.BENCH_DATABASE_URL!;
const database = await openDatabase({ databaseUrl, dataDir: 'unused' });
await listenForChanges(databaseUrl, () => {});
const worker = { number: Number(process.env.BENCH_WORKER), count: Number(process.env.WEB_CONCURRENCY) };
createServer(benchApp(database, worker)).listen(Number(process.env.BENCH_PORT), '127.0.0.1');
