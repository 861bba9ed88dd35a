// A limit on what one server may post to our inboxes in a minute, before anything reads the body:
// counted by the signing key's server (a server behind many addresses is still one), else by the
// address it came from. Over it, 429 with Retry-After: well-behaved servers wait and send again.
import { ipKeyGenerator } from 'express-rate-limit';
import type { Request } from 'express';
import type { Db } from '../server/db/client.ts';
import { databaseRateLimit } from '../server/web/rate-limit.ts';
import { claimedSigner } from './policy.ts';

const sender = (req: Request): string => claimedSigner(req.headers) ?? `ip:${ipKeyGenerator(req.ip ?? '')}`;

export function inboxLimit(db: Db, secret: string, perMinute: number) {
  return databaseRateLimit(db, secret, 'inbox', { windowMs: 60_000, limit: perMinute, keyGenerator: sender });
}
