import assert from 'node:assert/strict';
import { mayReadMetrics } from '../../server/web/metrics.ts';

const token = 'a-metrics-token-of-at-least-32-characters';
const request = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers });

describe('who may read /metrics', () => {
  it('this machine, directly', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal(mayReadMetrics(request(address), null), true, address);
  });

  it('not another machine, nor anyone through the reverse proxy, without the token', () => {
    for (const address of ['10.0.0.5', '192.168.1.20', '203.0.113.9', '::ffff:10.0.0.5', 'fe80::1']) assert.equal(mayReadMetrics(request(address), token), false, address);
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) assert.equal(mayReadMetrics(request('127.0.0.1', { [header]: '203.0.113.9' }), token), false, header);
    assert.equal(mayReadMetrics(request('203.0.113.9', { authorization: `Bearer ${token}x` }), token), false, 'a wrong token');
    assert.equal(mayReadMetrics(request('203.0.113.9', { authorization: `Bearer ${token}` }), null), false, 'no token is set');
  });

  it('anyone with the token', () => {
    assert.equal(mayReadMetrics(request('203.0.113.9', { authorization: `Bearer ${token}` }), token), true);
    assert.equal(mayReadMetrics(request('127.0.0.1', { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' }), token), true);
  });
});
