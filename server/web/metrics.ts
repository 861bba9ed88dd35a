import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { Router, type Request } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { selectRows } from '../db/client.ts';
import type { RequestEntry } from '../log.ts';
import { listBackups } from '../backups/backups.service.ts';

const isLoopback = (address: string | undefined) =>
  Boolean(address) && (address === '::1' || address!.startsWith('127.') || address!.startsWith('::ffff:127.')) && isIP(address!) > 0;

/**
 * /metrics answers this machine (a Prometheus or node exporter beside the node) or a request with
 * the bearer token. A request that came through a reverse proxy arrives from loopback too, so one
 * carrying a forwarding header counts as coming from outside.
 */
export function mayReadMetrics(req: Pick<Request, 'headers'> & { socket: { remoteAddress?: string } }, token: string | null): boolean {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (token && given) {
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length === b.length && timingSafeEqual(a, b)) return true;
  }
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined;
  return !proxied && isLoopback(req.socket.remoteAddress);
}

/** The node's figures in Prometheus's text format: requests, durations, queues, the database pool, backups, the process. */
export function createMetrics({ database, config }: AppContext): { record: (entry: RequestEntry) => void; router: Router } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kohtaamo_' });
  const requests = new Counter({ name: 'kohtaamo_http_requests_total', help: 'Requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const durations = new Histogram({
    name: 'kohtaamo_http_request_duration_seconds',
    help: 'Time to answer a request, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const count = async (table: string) => Number((await selectRows<{ n: string | number }>(database.background, sql.raw(`select count(*) as n from ${table}`)))[0]?.n ?? 0);
  new Gauge({
    name: 'kohtaamo_federation_queue_messages',
    help: 'Deliveries and received activities waiting in the federation queue',
    registers: [registry],
    async collect() {
      this.set(await count('federation_queue'));
    },
  });
  new Gauge({
    name: 'kohtaamo_federation_outbox_events',
    help: 'Changes waiting to be turned into activities',
    registers: [registry],
    async collect() {
      this.set(await count('federation_outbox'));
    },
  });
  new Gauge({
    name: 'kohtaamo_backup_newest_timestamp_seconds',
    help: 'When the newest backup in DATA_DIR/backups was made (0: none)',
    registers: [registry],
    collect() {
      this.set((listBackups(config.dataDir)[0]?.madeAt.getTime() ?? 0) / 1000);
    },
  });
  if (database.pool) {
    const pool = database.pool;
    new Gauge({
      name: 'kohtaamo_db_pool_connections',
      help: 'PostgreSQL connections of this process, by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const now = pool();
        this.set({ state: 'open' }, now.total);
        this.set({ state: 'idle' }, now.idle);
        this.set({ state: 'waiting' }, now.waiting);
      },
    });
  }

  const router = Router();
  // @route GET /metrics — this machine, or with METRICS_TOKEN
  router.get('/metrics', async (req, res) => {
    if (!mayReadMetrics(req, config.metricsToken)) {
      res.status(403).type('text/plain').send('Metrics are read from this machine, or with the token in METRICS_TOKEN.\n');
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return {
    record: (entry) => {
      requests.inc({ method: entry.method, route: entry.route, status: String(entry.status) });
      durations.observe({ method: entry.method, route: entry.route }, entry.ms / 1000);
    },
    router,
  };
}
