import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const locales = ['fi', 'sv', 'en', 'da'] as const;
export type Locale = (typeof locales)[number];

export type Config = {
  port: number;
  host: string;
  baseUrl: URL;
  /** null means the embedded PGlite database under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  sessionSecret: string;
  defaultLocale: Locale;
  trustProxy: boolean;
  smtp: SmtpConfig | null;
  logLevel: 'silent' | 'info';
  /** One JSON object a line (for journald and log tools), or plain lines for a person at a terminal. */
  logFormat: 'json' | 'text';
  /** Lets /metrics answer requests from other machines that send it as a bearer token; null: only this machine. */
  metricsToken: string | null;
  /** How long a page rendered for a visitor may be served again to other visitors; 0 turns it off. */
  pageCacheMs: number;
  /** Lets federation fetch from and deliver to loopback and private addresses: for tests on one machine only. */
  federationAllowPrivateAddress: boolean;
  /** How many activities one server may post to our inboxes in a minute. */
  federationInboxLimit: number;
  /** How often partner nodes' group listings are fetched again, in seconds. */
  networkSyncSeconds: number;
  /** A partner's listing its node has not confirmed for this long (seconds) is no longer shown. */
  networkListingMaxAgeSeconds: number;
  /** How often the node looks whether a scheduled backup is due, in seconds. */
  backupCheckSeconds: number;
  /** How many processes serve the node (PostgreSQL only: the embedded database belongs to one process). */
  webConcurrency: number;
  /** The association's time zone: when the daily e-mail goes out. */
  timezone: string;
  /** E-mail notices: how long a notice waits unread before it is mailed, how often the queue is looked at, the digest's hour, and the first wait before trying a failed send again (seconds). */
  mail: { delaySeconds: number; pollSeconds: number; digestHour: number; retrySeconds: number };
};

export type SmtpConfig = {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
};

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ });

function read<T>(env: Env, name: string, schema: z.ZodType<T>, fallback: T, problem: string): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const parsed = schema.safeParse(raw.trim());
  if (!parsed.success) throw new ConfigError(name, `${problem} (got "${raw}")`);
  return parsed.data;
}

/** Reads and validates every setting once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const portValue = read(env, 'PORT', port, 3000, 'must be a whole number from 0 to 65535');
  const host = read(env, 'HOST', z.string().min(1), '127.0.0.1', 'must be a host name or address');
  const baseUrl = new URL(
    read(env, 'BASE_URL', httpUrl, `http://${host.includes(':') ? `[${host}]` : host}:${portValue}`, 'must be an http:// or https:// URL'),
  );
  const databaseUrl = read<string | null>(
    env,
    'DATABASE_URL',
    z.string().refine((value) => {
      try {
        return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }),
    null,
    'must be a postgres:// or postgresql:// URL, or unset for the embedded database',
  );
  const dataDir = resolve(read(env, 'DATA_DIR', z.string().min(1), './data', 'must be a directory path'));
  const defaultLocale = read(env, 'DEFAULT_LOCALE', z.enum(locales), 'fi', `must be one of ${locales.join(', ')}`);
  const trustProxy = read(env, 'TRUST_PROXY', z.enum(['true', 'false']).transform((v) => v === 'true'), false, 'must be true or false');
  const logLevel = read(env, 'LOG_LEVEL', z.enum(['silent', 'info']), 'info', 'must be silent or info');
  // A person starting a trial at a terminal reads plain lines; a service manager collects JSON.
  const logFormat = read(env, 'LOG_FORMAT', z.enum(['json', 'text']), process.stdout.isTTY ? 'text' : 'json', 'must be json or text');
  const metricsToken = read(env, 'METRICS_TOKEN', z.string().min(32), '', 'must be at least 32 characters') || null;
  const webConcurrency = read(env, 'WEB_CONCURRENCY', z.coerce.number().int().min(1).max(64), 1, 'must be a whole number from 1 to 64');
  if (webConcurrency > 1 && !databaseUrl) {
    throw new ConfigError('WEB_CONCURRENCY', `is ${webConcurrency}, but more than one process needs DATABASE_URL (PostgreSQL): the embedded database belongs to one process`);
  }
  const sessionSecret = read(env, 'SESSION_SECRET', z.string().min(32), '', 'must be at least 32 characters') || keptSecret(dataDir);
  return {
    port: portValue,
    host,
    baseUrl,
    databaseUrl,
    dataDir,
    sessionSecret,
    defaultLocale,
    trustProxy,
    smtp: readSmtp(env),
    logLevel,
    logFormat,
    metricsToken,
    federationAllowPrivateAddress: read(env, 'FEDERATION_ALLOW_PRIVATE_ADDRESS', z.enum(['true', 'false']).transform((v) => v === 'true'), false, 'must be true or false'),
    federationInboxLimit: read(env, 'FEDERATION_INBOX_LIMIT', z.coerce.number().int().min(1).max(1_000_000), 1200, 'must be a whole number from 1 to 1000000'),
    networkSyncSeconds: read(env, 'NETWORK_SYNC_INTERVAL', z.coerce.number().int().min(1).max(604_800), 3600, 'must be a whole number of seconds from 1 to 604800'),
    networkListingMaxAgeSeconds: read(env, 'NETWORK_LISTING_MAX_AGE', z.coerce.number().int().min(1).max(31_536_000), 14 * 86_400, 'must be a whole number of seconds from 1 to 31536000'),
    backupCheckSeconds: read(env, 'BACKUP_CHECK_INTERVAL', z.coerce.number().int().min(1).max(86_400), 600, 'must be a whole number of seconds from 1 to 86400'),
    webConcurrency,
    timezone: read(env, 'TIMEZONE', z.string().refine(knownTimeZone), 'Europe/Helsinki', 'must be a time zone such as Europe/Helsinki'),
    mail: {
      delaySeconds: read(env, 'MAIL_DELAY', z.coerce.number().int().min(0).max(86_400), 120, 'must be a whole number of seconds from 0 to 86400'),
      pollSeconds: read(env, 'MAIL_POLL_INTERVAL', z.coerce.number().min(0.05).max(3600), 15, 'must be a number of seconds from 0.05 to 3600'),
      digestHour: read(env, 'MAIL_DIGEST_HOUR', z.coerce.number().int().min(0).max(23), 7, 'must be a whole hour from 0 to 23'),
      retrySeconds: read(env, 'MAIL_RETRY_AFTER', z.coerce.number().min(0.05).max(86_400), 60, 'must be a number of seconds from 0.05 to 86400'),
    },
    pageCacheMs: read(env, 'PAGE_CACHE_MS', z.coerce.number().int().min(0).max(60_000), 3000, 'must be a whole number of milliseconds from 0 to 60000'),
  };
}

function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function readSmtp(env: Env): SmtpConfig | null {
  const host = read(env, 'SMTP_HOST', z.string().min(1), '', 'must be a host name');
  if (!host) return null;
  const smtpPort = read(env, 'SMTP_PORT', port, 587, 'must be a whole number from 0 to 65535');
  return {
    host,
    port: smtpPort,
    secure: read(env, 'SMTP_SECURE', z.enum(['true', 'false']).transform((v) => v === 'true'), smtpPort === 465, 'must be true or false'),
    user: read<string | null>(env, 'SMTP_USER', z.string(), null, 'must be text'),
    password: read<string | null>(env, 'SMTP_PASSWORD', z.string(), null, 'must be text'),
    from: read(env, 'SMTP_FROM', z.email(), `kohtaamo@${host}`, 'must be an e-mail address'),
  };
}

/** A generated secret survives restarts so sessions do too. */
function keptSecret(dataDir: string): string {
  const file = join(dataDir, 'session-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
