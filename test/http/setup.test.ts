import assert from 'node:assert/strict';
import { Client, errorsOf } from '../support/client.ts';
import { startNode, type TestNode } from '../support/node.ts';
import { hasAdmin } from '../../server/admin/setup.service.ts';

describe('first-run setup', () => {
  let node: TestNode;
  before(async () => {
    node = await startNode();
  });
  after(() => node.close());

  it('sends every page to /setup while no admin exists', async () => {
    const client = new Client(node.url);
    for (const path of ['/', '/login', '/register', '/admin']) {
      const page = await client.request(path);
      assert.equal(page.status, 303, path);
      assert.equal(page.headers.get('location'), '/setup');
    }
  });

  it('answers /healthz with the database kind', async () => {
    const response = await fetch(`${node.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', database: node.database.kind });
  });

  it('keeps what was typed and names the problem when the form is wrong', async () => {
    const client = new Client(node.url);
    const page = await client.submit('/setup', { siteName: '', username: 'x', displayName: 'Anna', email: 'anna@example.org', password: 'short' });
    assert.equal(page.status, 422);
    assert.match(errorsOf(page), /association's name/);
    assert.match(errorsOf(page), /at least 3 characters/);
    assert.equal(page.$('#field-displayName').val(), 'Anna');
    assert.equal(page.$('#field-email').val(), 'anna@example.org');
    assert.equal(await hasAdmin(node.database.db), false);
  });

  it('creates the node and its first admin, signs them in, and then is gone', async () => {
    const client = new Client(node.url);
    const page = await client.submit('/setup', { siteName: 'Mielenrauha ry', username: 'anna', displayName: 'Anna', email: '', password: 'a quiet morning walk' });
    assert.equal(page.status, 200);
    assert.match(page.$('title').text(), /Site settings – Mielenrauha ry/);
    assert.equal(await hasAdmin(node.database.db), true);
    assert.equal((await client.request('/setup')).status, 404);
    assert.equal((await new Client(node.url).request('/setup')).status, 404);
    const home = await new Client(node.url).get('/');
    assert.equal(home.status, 200);
    assert.equal(home.$('.site-name').text(), 'Mielenrauha ry');
  });
});
