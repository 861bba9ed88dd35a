import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { Client } from '../support/client.ts';
import { startSetUpNode, type SetUpTestNode } from '../support/set-up-node.ts';
import { buildApp } from '../../server/app.ts';
import { selectRows } from '../../server/db/client.ts';
import { closeServers } from '../support/process.ts';

describe('rate limits', () => {
  let node: SetUpTestNode;
  before(async () => {
    node = await startSetUpNode();
  });
  after(() => node.close());

  it('refuse the 31st account form in an hour from one address with a calm page in the reader’s language, and keep counting after a restart', async () => {
    const client = new Client(node.url);
    const form = await client.get('/password/forgot');
    const token = form.$('input[name="_csrf"]').attr('value')!;
    for (let i = 0; i < 30; i++) {
      const page = await client.post('/password/forgot', { _csrf: token, login: `nobody${i}` });
      assert.equal(page.status, 200, `form ${i + 1}`);
    }
    const refused = await client.post('/password/forgot', { _csrf: token, login: 'nobody' });
    assert.equal(refused.status, 429);
    assert.match(refused.$('main').text(), /many tries from your connection/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0, 'says when to come back');
    const finnish = await client.request('/password/forgot', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: token, login: 'nobody' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fi' },
    });
    assert.equal(finnish.status, 429);
    assert.match(finnish.$('main').text(), /monta yritystä/);

    // The node started again on the same database (a restart, or another of its processes).
    const again = buildApp({ config: node.config, database: node.database, mailer: { send: async () => {} }, log: () => {} });
    const server = createServer(again.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const other = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      for (const [name, value] of client.cookies) other.cookies.set(name, value);
      const still = await other.post('/password/forgot', { _csrf: token, login: 'nobody' });
      assert.equal(still.status, 429, 'the count is in the database, not in the process');
    } finally {
      await closeServers([server]);
      again.close();
    }

    const keys = await selectRows<{ key: string }>(node.database.db, sql`select key from rate_limit_hits`);
    assert.ok(keys.length > 0);
    assert.ok(keys.every((row) => !row.key.includes('127.0.0.1') && !row.key.includes('::1')), 'no address is stored');
  });
});
