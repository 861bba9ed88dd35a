// Each actor's key pairs, made once and kept in the database: RSA (draft-cavage peers such as
// Lemmy and Mobilizon need it) and Ed25519 (object integrity proofs).
import { and, eq } from 'drizzle-orm';
import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';
import type { DatabaseLike } from '../server/db/client.ts';
import { actorKeys } from './federation.tables.ts';

const kinds = ['RSASSA-PKCS1-v1_5', 'Ed25519'] as const;

export async function keyPairsOf(db: DatabaseLike, actor: string): Promise<CryptoKeyPair[]> {
  const pairs: CryptoKeyPair[] = [];
  for (const kind of kinds) {
    let [row] = await db.select().from(actorKeys).where(and(eq(actorKeys.actor, actor), eq(actorKeys.kind, kind)));
    if (!row) {
      const made = await generateCryptoKeyPair(kind);
      // Two requests may make keys at once: the first kept wins, and both use it.
      await db
        .insert(actorKeys)
        .values({ actor, kind, privateKey: await exportJwk(made.privateKey), publicKey: await exportJwk(made.publicKey) })
        .onConflictDoNothing();
      [row] = await db.select().from(actorKeys).where(and(eq(actorKeys.actor, actor), eq(actorKeys.kind, kind)));
    }
    pairs.push({ privateKey: await importJwk(row!.privateKey as JsonWebKey, 'private'), publicKey: await importJwk(row!.publicKey as JsonWebKey, 'public') });
  }
  return pairs;
}
