import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../server/config.ts';
import { root } from '../support/process.ts';

const exec = promisify(execFile);
const deploy = join(root, 'docs', 'deploy');

/** A tool by name, where Debian puts it (nginx is in /usr/sbin, off a plain user's PATH). */
function tool(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${name} is missing: test/support/prepare.sh installs it (npm test runs it first)`);
}

async function check(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the deployment guide’s files', function () {
  this.timeout(120_000);
  const place = () => mkdtempSync(join(tmpdir(), 'kohtaamo-deploy-'));

  it('the systemd unit passes systemd-analyze verify without a warning', async () => {
    const dir = place();
    // Only the paths change: the unit as written, pointed at this checkout's Node and code.
    const unit = readFileSync(join(deploy, 'kohtaamo.service'), 'utf8')
      .replace('/opt/kohtaamo/node_modules/.bin/node', realpathSync(join(root, 'node_modules', '.bin', 'node')))
      .replace('WorkingDirectory=/opt/kohtaamo', `WorkingDirectory=${root}`);
    writeFileSync(join(dir, 'kohtaamo.service'), unit);
    const result = await check(tool('systemd-analyze'), ['verify', join(dir, 'kohtaamo.service')]);
    assert.equal(result.code, 0, result.output);
    assert.equal(result.output.trim(), '', 'no warnings');
    for (const setting of ['Restart=on-failure', 'User=kohtaamo', 'StateDirectory=kohtaamo', 'EnvironmentFile=/etc/kohtaamo/kohtaamo.env', 'DATA_DIR=/var/lib/kohtaamo']) assert.ok(unit.includes(setting), setting);
    // A broken unit is caught, so the check above means something.
    writeFileSync(join(dir, 'broken.service'), unit.replace('Restart=on-failure', 'Restart=sometimes'));
    const broken = await check(tool('systemd-analyze'), ['verify', join(dir, 'broken.service')]);
    assert.match(broken.output, /restart specifier/);
  });

  it('the Caddy example passes caddy validate', async () => {
    const result = await check(tool('caddy'), ['validate', '--config', join(deploy, 'Caddyfile'), '--adapter', 'caddyfile']);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Valid configuration/);
  });

  it('the nginx example passes nginx -t', async () => {
    const dir = place();
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await exec('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=foorumi.yhdistys.example']);
    const site = readFileSync(join(deploy, 'nginx.conf'), 'utf8')
      .replace('/etc/letsencrypt/live/foorumi.yhdistys.example/fullchain.pem', cert)
      .replace('/etc/letsencrypt/live/foorumi.yhdistys.example/privkey.pem', key);
    writeFileSync(join(dir, 'site.conf'), site);
    // The main file Debian's nginx would have, reduced to what a test may write.
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir};\n  proxy_temp_path ${dir};\n  include ${dir}/site.conf;\n}\n`);
    const result = await check(tool('nginx'), ['-t', '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /test is successful/);
  });

  it('the command-line wrapper is valid shell', async () => {
    const result = await check('sh', ['-n', join(deploy, 'kohtaamo-cli')]);
    assert.equal(result.code, 0, result.output);
  });

  it('the example settings are ones the node accepts', () => {
    const env: Record<string, string> = {};
    for (const line of readFileSync(join(deploy, 'kohtaamo.env.example'), 'utf8').split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line);
      if (match) env[match[1]!] = match[2]!;
    }
    const config = loadConfig({ ...env, DATA_DIR: place() });
    assert.equal(config.trustProxy, true);
    assert.equal(config.baseUrl.protocol, 'https:');
  });
});
