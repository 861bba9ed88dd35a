// E-mail about notices, in the member's language: one notice, or a day's digest. E-mail leaves
// the node, so a post's words go into it only when the post is public, or when the member asked
// for the text of members-only places too; never a post behind a content warning.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Locale } from '../config.ts';
import { translator } from '../i18n/i18n.ts';
import type { NotificationItem } from './notifications.service.ts';
import type { EmailKind, NotificationKind, GroupNoticeKind, ModerationNoticeKind, PairNoticeKind } from './notifications.tables.ts';
import { noticeLine } from './notice-text.ts';

type AnyNoticeKind = NotificationKind | GroupNoticeKind | ModerationNoticeKind | PairNoticeKind;

/** Which e-mail choice each notice kind belongs to. */
export const emailKindOf: Record<AnyNoticeKind, EmailKind> = {
  reply: 'replies',
  quote: 'mentions',
  mention: 'mentions',
  reaction: 'strength',
  watched: 'watching',
  new_thread: 'watching',
  join_request: 'groups',
  join_accepted: 'groups',
  join_declined: 'groups',
  meeting_place: 'meetings',
  meeting_cancelled: 'meetings',
  moderator_message: 'moderators',
  post_approved: 'moderators',
  post_removed: 'moderators',
  member_answered: 'moderators',
  pair_proposed: 'mentoring',
  pair_message: 'mentoring',
  pair_invited: 'mentoring',
  pair_checkin: 'mentoring',
  pair_changed: 'mentoring',
  pair_ended: 'mentoring',
  pair_started: 'mentoring',
  pair_declined: 'mentoring',
  proposal_declined: 'mentoring',
  application_new: 'mentoring',
};

/** What an unsubscribe link stops: one choice, or the daily digest (all e-mail). */
export type UnsubscribeKind = EmailKind | 'digest';

function tokenFor(secret: string, userId: string, kind: UnsubscribeKind): string {
  return createHmac('sha256', secret).update(`unsubscribe ${userId} ${kind}`).digest('base64url').slice(0, 32);
}

export function unsubscribeUrl(base: URL, secret: string, userId: string, kind: UnsubscribeKind): string {
  return new URL(`/unsubscribe/${userId}/${kind}/${tokenFor(secret, userId, kind)}`, base).toString();
}

/** Whether an unsubscribe link was made here for this member and kind (and nobody else's). */
export function validUnsubscribe(secret: string, userId: string, kind: UnsubscribeKind, token: string): boolean {
  const expected = Buffer.from(tokenFor(secret, userId, kind));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type Excerpt = { text: string } | { warning: string } | null;

export type Composed = { subject: string; text: string; unsubscribeUrl: string };

type Recipient = { id: string; displayName: string; locale: Locale };
type Site = { name: string; base: URL; secret: string };

function footer(t: ReturnType<typeof translator>, site: Site, why: string, unsubscribe: string): string {
  return ['-- ', why, t('email.stop', { url: unsubscribe }), t('email.choices', { url: new URL('/notifications', site.base).toString() })].join('\n');
}

/** One notice: what happened, the words when they may be mailed, and where to read it. */
export function composeNotice(site: Site, to: Recipient, item: NotificationItem, excerpt: Excerpt): Composed {
  const t = translator(to.locale);
  const line = noticeLine(item, to.locale);
  const kind = emailKindOf[item.kind];
  const unsubscribe = unsubscribeUrl(site.base, site.secret, to.id, kind);
  const words = !excerpt ? [] : 'text' in excerpt ? ['', excerpt.text.split('\n').map((l) => `> ${l}`).join('\n')] : ['', t('email.warned', { warning: excerpt.warning })];
  const text = [
    t('email.hello', { name: to.displayName }),
    '',
    line,
    ...words,
    '',
    t('email.open', { url: new URL(`/notifications/${item.ids[0]}`, site.base).toString() }),
    '',
    footer(t, site, t('email.why', { kind: t(`email.kinds.${kind}`), site: site.name }), unsubscribe),
  ].join('\n');
  return { subject: `${site.name}: ${line}`, text, unsubscribeUrl: unsubscribe };
}

/** A day's notices in one e-mail: a line and a link for each, no post text. */
export function composeDigest(site: Site, to: Recipient, items: NotificationItem[]): Composed {
  const t = translator(to.locale);
  const unsubscribe = unsubscribeUrl(site.base, site.secret, to.id, 'digest');
  const lines = items.flatMap((item) => [`- ${noticeLine(item, to.locale)}`, `  ${new URL(`/notifications/${item.ids[0]}`, site.base).toString()}`]);
  const text = [t('email.hello', { name: to.displayName }), '', t('email.digestIntro', { count: items.length }), '', ...lines, '', footer(t, site, t('email.whyDigest', { site: site.name }), unsubscribe)].join('\n');
  return { subject: t('email.digestSubject', { site: site.name, count: items.length }), text, unsubscribeUrl: unsubscribe };
}

/** At most this much of a post goes into a mail. */
export function shortened(body: string, max = 600): string {
  const text = body.trim();
  return text.length <= max ? text : `${text.slice(0, max).trimEnd()}…`;
}
