import assert from 'node:assert/strict';
import { Client } from '../support/client.ts';
import { until } from '../support/until.ts';
import { freshDatabase, serverUrl, type TestDatabase } from '../support/database.ts';
import { run, spawnNode, startLimitMs, stopAllNodes, tempDataDir, type RunningNode } from '../support/process.ts';

const token = 'metrics-token-metrics-token-metrics-token';

describe('logs and metrics of a running node', function () {
  this.timeout(startLimitMs + 60_000);
  let node: RunningNode;
  let fresh: TestDatabase | undefined;
  before(async () => {
    const env: Record<string, string> = { DATA_DIR: tempDataDir(), LOG_FORMAT: 'json', METRICS_TOKEN: token, TRUST_PROXY: 'true' };
    if (serverUrl) {
      fresh = await freshDatabase();
      env.DATABASE_URL = fresh.url!;
    }
    const created = await run('server/cli/main.ts', ['user', 'create', 'salainen_nimi', '--role', 'admin'], env, 'a very secret password\n');
    assert.equal(created.code, 0, created.stderr);
    node = await spawnNode(env);
  });
  after(async () => {
    await stopAllNodes();
    await fresh?.drop();
  });

  it('logs each request as one JSON line with its route pattern, never who, what was typed or searched', async () => {
    const member = new Client(node.url);
    const signedIn = await member.submit('/login', { login: 'salainen_nimi', password: 'a very secret password' });
    assert.ok(signedIn.$('form[action="/logout"]').length);
    await member.get('/search?q=arkaluontoinen+asia');
    await member.get('/threads/6b1f5a52-3c3e-4c8e-9d36-8a0f3f3f0c11');
    await member.get('/members/salainen_nimi');
    await new Client(node.url).get('/groups', { 'x-forwarded-for': '198.51.100.23' });
    await until('the last request to be logged', () => node.output().includes('"route":"/groups"'));
    const lines = node.output().trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((entry) => entry.msg === 'request');
    for (const [method, route, status] of [['POST', '/login', 303], ['GET', '/search', 200], ['GET', '/threads/:id', 404], ['GET', '/groups', 200]] as const) {
      const found = requests.find((entry) => entry.method === method && entry.route === route);
      assert.ok(found, `${method} ${route} in ${JSON.stringify(requests)}`);
      assert.equal(found.status, status);
      assert.equal(typeof found.ms, 'number');
      assert.equal(typeof found.time, 'string');
    }
    const requestLines = lines.filter((line) => line.includes('"msg":"request"')).join('\n');
    for (const secret of ['arkaluontoinen', 'salainen_nimi', 'very secret', '6b1f5a52', '198.51.100.23', '127.0.0.1', 'kohtaamo.sid', '?q=']) {
      assert.ok(!requestLines.includes(secret), `the request log holds ${secret}`);
    }
  });

  it('serves /metrics to this machine and the token holder only', async () => {
    const local = await fetch(`${node.url}/metrics`);
    assert.equal(local.status, 200);
    const text = await local.text();
    assert.match(text, /^kohtaamo_http_requests_total\{method="POST",route="\/login",status="303"\} [1-9]/m);
    assert.match(text, /^kohtaamo_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/search"\} \d+/m);
    assert.match(text, /^kohtaamo_federation_queue_messages \d+/m);
    assert.match(text, /^kohtaamo_process_resident_memory_bytes \d+/m);
    if (serverUrl) assert.match(text, /^kohtaamo_db_pool_connections\{state="open"\} \d+/m);

    const proxied = await fetch(`${node.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(proxied.status, 403, 'through the reverse proxy, from outside');
    assert.doesNotMatch(await proxied.text(), /kohtaamo_/);
    const wrong = await fetch(`${node.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${token.slice(1)}x` } });
    assert.equal(wrong.status, 403);
    const withToken = await fetch(`${node.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${token}` } });
    assert.equal(withToken.status, 200);
  });
});
