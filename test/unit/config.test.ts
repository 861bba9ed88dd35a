import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'kohtaamo-config-'));

  it('has safe defaults for a local trial', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.baseUrl.href, 'http://127.0.0.1:3000/');
    assert.equal(config.databaseUrl, null);
    assert.equal(config.defaultLocale, 'fi');
    assert.equal(config.smtp, null);
    assert.ok(config.sessionSecret.length >= 32);
    assert.equal(readFileSync(join(dir, 'session-secret'), 'utf8'), config.sessionSecret, 'the generated secret is kept');
    assert.equal(loadConfig({ DATA_DIR: dir }).sessionSecret, config.sessionSecret, 'and reused on the next start');
  });

  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['BASE_URL', 'ftp://example.org'],
    ['DEFAULT_LOCALE', 'de'],
    ['SESSION_SECRET', 'too-short'],
    ['SMTP_PORT', '-1'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_FORMAT', 'xml'],
    ['METRICS_TOKEN', 'short'],
    ['BACKUP_CHECK_INTERVAL', '0'],
    ['WEB_CONCURRENCY', '0'],
    // More than one process on the embedded database, which belongs to one.
    ['WEB_CONCURRENCY', '2'],
  ] as const) {
    it(`names ${name} when it is "${value}"`, () => {
      const env: Record<string, string> = { DATA_DIR: dataDir(), [name]: value };
      if (name === 'SMTP_PORT') env.SMTP_HOST = 'mail.example.org';
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof ConfigError && error.variable === name && error.message.includes(value),
      );
    });
  }

  it('reads SMTP settings', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), SMTP_HOST: 'mail.example.org', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASSWORD: 'p', SMTP_FROM: 'noreply@example.org' });
    assert.deepEqual(config.smtp, { host: 'mail.example.org', port: 465, secure: true, user: 'u', password: 'p', from: 'noreply@example.org' });
  });
});
