import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../server/config.ts';
import { buildApp } from '../../server/app.ts';
import type { Mail, Mailer } from '../../server/mail.ts';
import { createMailer } from '../../server/mail.ts';
import { freshDatabase, type TestDatabase } from './database.ts';
import type { Database } from '../../server/db/client.ts';

export type TestNode = {
  url: string;
  database: Database;
  config: Config;
  /** Mail the node sent, newest last (unless a real SMTP server was configured). */
  mails: Mail[];
  logs: string[];
  /** Down: the node drops every connection unanswered, as a server that is off would; then back up. */
  setDown(down: boolean): void;
  close(): Promise<void>;
};

/** A real node listening on a free loopback port, on a fresh database. */
export async function startNode(env: Record<string, string> = {}): Promise<TestNode> {
  const fresh: TestDatabase = await freshDatabase();
  const mails: Mail[] = [];
  const logs: string[] = [];
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    DEFAULT_LOCALE: 'en',
    // Tests change the database behind the app's back; the visitor page cache has a test of its own.
    PAGE_CACHE_MS: '0',
    ...env,
  });
  const log = (line: string) => logs.push(line);
  const mailer: Mailer = config.smtp ? createMailer(config.smtp, log) : { send: async (mail) => void mails.push(mail) };
  const { app, close } = buildApp({ config, database: fresh.database, mailer, log });
  let down = false;
  server.on('request', (req, res) => (down ? req.socket.destroy() : app(req, res)));
  return {
    url: `http://127.0.0.1:${port}`,
    database: fresh.database,
    config,
    mails,
    logs,
    setDown(value) {
      down = value;
      if (down) server.closeAllConnections();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      close();
      await fresh.drop();
    },
  };
}
