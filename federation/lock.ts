// Lemmy's Lock (a conversation closed to new replies) and its Undo. Fedify's vocabulary has no
// class for it, so it is an Activity written out with Lemmy's type, and one that comes in is read
// from the JSON it came in (Fedify itself reads it as a plain object and drops what it says).
import { Activity, type Announce } from '@fedify/vocab';
import { asJson, type Json } from './json.ts';

const lockType = 'Lock';
/** "Lock" is no term of the ActivityStreams context, whose vocabulary makes it a blank-node type. */
const expandedLockType = '_:Lock';

type JsonLdOptions = Parameters<Activity['toJsonLd']>[0];

export class Lock extends Activity {
  override async toJsonLd(options?: JsonLdOptions): Promise<unknown> {
    const json = await super.toJsonLd(options);
    // Expanded (an array of nodes, as Fedify writes an activity inside another) or compact.
    if (Array.isArray(json)) return json.map((node: Record<string, unknown>) => ({ ...node, '@type': [expandedLockType] }));
    return json !== null && typeof json === 'object' ? { ...json, type: lockType } : json;
  }
}

const idOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof asJson(value)?.id === 'string' ? (asJson(value)!.id as string) : undefined);
const fromOrigin = (value: Json, origin: string) => {
  const id = idOf(value);
  return id !== undefined && URL.canParse(id) && new URL(id).origin === origin;
};

/**
 * A Lock, or the Undo of one, inside an announcement (as Lemmy communities send them): which
 * conversation, and locked or not. Only what was written on the announcing group's own server
 * (`origin`) counts; anything else gives undefined.
 */
export async function lockIn(announce: Announce, origin: string): Promise<{ conversation: URL; locked: boolean } | undefined> {
  // Without a format Fedify gives back the JSON the activity came in.
  const inner = asJson(asJson(await announce.toJsonLd())?.object);
  if (!inner || !fromOrigin(inner, origin)) return undefined;
  const lock = inner.type === 'Undo' ? asJson(inner.object) : inner;
  if (lock?.type !== lockType || !fromOrigin(lock, origin)) return undefined;
  const conversation = idOf(lock.object);
  if (!conversation || !URL.canParse(conversation)) return undefined;
  return { conversation: new URL(conversation), locked: inner.type !== 'Undo' };
}
