import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { freshDatabase } from '../support/database.ts';

describe('/healthz', () => {
  it('answers 503 when the database does not answer', async () => {
    const fresh = await freshDatabase();
    const config = loadConfig({ DATA_DIR: 'memory://', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', LOG_LEVEL: 'silent' });
    const { app, close } = buildApp({ config, database: fresh.database, mailer: { send: async () => {} }, log: () => {} });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    try {
      const up = await fetch(url);
      assert.equal(up.status, 200);
      await fresh.database.close();
      const down = await fetch(url);
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), { status: 'unavailable', database: fresh.database.kind });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      close();
      await fresh.drop();
    }
  });
});
