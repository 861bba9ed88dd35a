// Which servers this node talks to: none the admin has blocked, and in allowlist mode only the
// partner nodes. Asked before an inbox reads a post, for a signed fetch, for every delivery and
// every follow. A change takes effect at once in this process and as soon as the others on the
// same database hear of it (db/changes.ts).
import { eq } from 'drizzle-orm';
import type { IncomingHttpHeaders } from 'node:http';
import type { DatabaseLike } from '../server/db/client.ts';
import { changed, keptCopy } from '../server/db/changes.ts';
import { nodeSettings } from '../server/admin/settings.tables.ts';
import { federationServers, type FederationMode } from './federation.tables.ts';

export type Policy = { mode: FederationMode; blocked: ReadonlySet<string>; partners: ReadonlySet<string> };

async function readPolicy(db: DatabaseLike): Promise<Policy> {
  const [settings] = await db.select({ mode: nodeSettings.federationMode }).from(nodeSettings).where(eq(nodeSettings.id, 1));
  const servers = await db.select({ host: federationServers.host, blocked: federationServers.blocked, partner: federationServers.partner }).from(federationServers);
  return {
    mode: settings?.mode ?? 'open',
    blocked: new Set(servers.filter((s) => s.blocked).map((s) => s.host)),
    partners: new Set(servers.filter((s) => s.partner && !s.blocked).map((s) => s.host)),
  };
}

export const policyOf = keptCopy('federation-policy', 60_000, readPolicy);

/** Who this node talks to changed: every process reads it again. */
export function forgetPolicy(): void {
  changed('federation-policy');
}

const hostShape = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** A server's host (with its port) from what the admin typed: a host, an address, or a handle. */
export function hostOf(text: string): string | undefined {
  const typed = text.trim().toLowerCase();
  if (URL.canParse(typed) && /^https?:/.test(typed)) return new URL(typed).host;
  const host = typed.includes('@') ? typed.slice(typed.lastIndexOf('@') + 1) : typed;
  return hostShape.test(host) ? host : undefined;
}

/** Whether this node talks to a server (by host, with its port). */
export const allows = (policy: Policy, host: string): boolean => !policy.blocked.has(host) && (policy.mode === 'open' || policy.partners.has(host));

export async function allowsHost(db: DatabaseLike, host: string): Promise<boolean> {
  return allows(await policyOf(db), host);
}

/** Those of the recipients this node may deliver to (the actor's server and its inbox's, both). */
export async function allowedRecipients<T extends { id: URL | null; inboxId: URL | null }>(db: DatabaseLike, recipients: T[]): Promise<T[]> {
  const policy = await policyOf(db);
  return recipients.filter((r) => r.id && r.inboxId && allows(policy, r.id.host) && allows(policy, r.inboxId.host));
}

/** The server a request says it is signed by (draft-cavage or RFC 9421 keyId), unverified. */
export function claimedSigner(headers: IncomingHttpHeaders): string | undefined {
  // draft-cavage names the key in Signature; RFC 9421 in Signature-Input (its Signature holds only the bytes).
  const signature = `${String(headers.signature ?? '')} ${String(headers['signature-input'] ?? '')}`;
  const keyId = /keyid="([^"]+)"/i.exec(signature)?.[1];
  return keyId && URL.canParse(keyId) ? new URL(keyId).host : undefined;
}

/**
 * Whether a read of our ActivityPub documents may be answered. A signature that claims a blocked
 * server is refused as it stands (claiming to be blocked gains nothing); in allowlist mode the
 * request must carry a partner's signature that verifies (`verifiedSigner` checks it).
 */
export async function fetchAllowed(db: DatabaseLike, claimed: string | undefined, verifiedSigner: () => Promise<string | undefined>): Promise<boolean> {
  const policy = await policyOf(db);
  if (claimed && policy.blocked.has(claimed)) return false;
  if (policy.mode === 'open') return true;
  if (!claimed || !allows(policy, claimed)) return false;
  const signer = await verifiedSigner().catch(() => undefined);
  return signer !== undefined && allows(policy, signer);
}
