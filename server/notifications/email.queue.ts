// The durable e-mail queue. Notices a member wants by e-mail are written into `outbound_mail` in
// the same transaction that marks them mailed (so none is written twice); a sender claims a few
// rows at a time and marks each sent, or tries it again later when the mail server does not
// answer. Nothing is lost to a restart or to the mail server being down.
import { TZDate } from '@date-fns/tz';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { repeat } from '../repeat.ts';
import type { DatabaseLike } from '../db/client.ts';
import type { Mailer } from '../mail.ts';
import { isLocale } from '../i18n/i18n.ts';
import type { Locale } from '../config.ts';
import { users } from '../accounts/accounts.tables.ts';
import { postListedFor } from '../access.sql.ts';
import { forums, posts, threads } from '../forums/forums.tables.ts';
import { getSettings } from '../admin/settings.service.ts';
import { listNotifications, type NotificationItem } from './notifications.service.ts';
import { notifications, notificationSettings, outboundMail } from './notifications.tables.ts';
import { composeDigest, composeNotice, emailKindOf, shortened, type Composed, type Excerpt } from './email.compose.ts';
import type { User } from '../accounts/accounts.service.ts';

/** Notices older than this are not mailed any more: the member has likely moved on. */
const freshForMs = 3 * 86_400_000;
/** After this many tries a mail is given up (with the retry waits doubling, about two days). */
const maxAttempts = 12;
/** A sender that stopped mid-send leaves its claim; another may take the mail after this. */
const claimMs = 5 * 60_000;
const postKinds = new Set(['reply', 'quote', 'mention', 'watched', 'new_thread']);

export type MailPlan = { baseUrl: URL; secret: string; defaultLocale: Locale; delaySeconds: number; digestHour: number; timezone: string };

/** The moment of today's digest in the association's time zone. */
export function digestMoment(now: Date, hour: number, timezone: string): Date {
  const local = new TZDate(now.getTime(), timezone);
  return new Date(new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), hour, 0, timezone).getTime());
}

async function excerptFor(db: DatabaseLike, reader: User, item: NotificationItem, includeText: boolean): Promise<Excerpt> {
  if (!item.postId || !postKinds.has(item.kind)) return null;
  const [post] = await db
    .select({ body: posts.body, contentWarning: posts.contentWarning, visibility: forums.visibility })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(forums, eq(forums.id, threads.forumId))
    .where(and(eq(posts.id, item.postId), postListedFor(reader)));
  if (!post) return null;
  if (post.contentWarning) return { warning: post.contentWarning };
  return post.visibility === 'public' || includeText ? { text: shortened(post.body) } : null;
}

/** Writes the e-mail that is due into the queue: each wanted notice after its delay, or a day's digest. Returns how many mails. */
export async function queueDueMail(db: DatabaseLike, plan: MailPlan, now = new Date()): Promise<number> {
  const candidates = await db
    .select({ id: notifications.id, userId: notifications.userId, kind: notifications.kind, createdAt: notifications.createdAt })
    .from(notifications)
    .innerJoin(notificationSettings, eq(notificationSettings.userId, notifications.userId))
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(
      and(
        isNull(notifications.mailedAt),
        isNull(notifications.readAt),
        gt(notifications.createdAt, new Date(now.getTime() - freshForMs)),
        isNotNull(users.email),
        eq(users.status, 'active'),
        sql`cardinality(${notificationSettings.emailKinds}) > 0`,
      ),
    )
    .orderBy(asc(notifications.createdAt));
  const byUser = new Map<string, typeof candidates>();
  for (const row of candidates) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row]);
  const site = await getSettings(db);
  let queued = 0;
  for (const [userId, rows] of byUser) {
    const settings = await db.query.notificationSettings.findFirst({ where: eq(notificationSettings.userId, userId) });
    if (!settings) continue;
    const wanted = new Set(settings.emailKinds);
    const unwanted = rows.filter((row) => !wanted.has(emailKindOf[row.kind])).map((row) => row.id);
    const cutoff = now.getTime() - plan.delaySeconds * 1000;
    const moment = digestMoment(now, plan.digestHour, plan.timezone);
    const digestDue = settings.emailDigest && now >= moment && (!settings.lastDigestAt || settings.lastDigestAt < moment);
    const due = rows.filter((row) => wanted.has(emailKindOf[row.kind]) && (settings.emailDigest ? digestDue : row.createdAt.getTime() <= cutoff)).map((row) => row.id);
    if (!due.length && !unwanted.length) continue;
    queued += await db.transaction(async (tx) => {
      // Notices of kinds the member does not want by e-mail are settled too, so they are not looked at again.
      if (unwanted.length) await tx.update(notifications).set({ mailedAt: now }).where(and(inArray(notifications.id, unwanted), isNull(notifications.mailedAt)));
      if (!due.length) return 0;
      // Taking the notices is what makes them this sender's: another process finds them taken.
      const taken = await tx.update(notifications).set({ mailedAt: now }).where(and(inArray(notifications.id, due), isNull(notifications.mailedAt))).returning({ id: notifications.id });
      if (!taken.length) return 0;
      const reader = await tx.query.users.findFirst({ where: eq(users.id, userId) });
      if (!reader?.email) return 0;
      const ids = new Set(taken.map((row) => row.id));
      // The page's own list decides what the member may still open (a post deleted meanwhile drops out).
      const items = (await listNotifications(tx, reader)).filter((item) => item.ids.some((id) => ids.has(id)));
      const to = { id: reader.id, displayName: reader.displayName || reader.username, locale: isLocale(reader.locale) ? reader.locale : plan.defaultLocale };
      const from = { name: site?.name ?? 'Kohtaamo', base: plan.baseUrl, secret: plan.secret };
      const mails: Composed[] = [];
      if (settings.emailDigest) {
        if (items.length) mails.push(composeDigest(from, to, items));
        await tx.update(notificationSettings).set({ lastDigestAt: now }).where(eq(notificationSettings.userId, userId));
      } else {
        for (const item of items) mails.push(composeNotice(from, to, item, await excerptFor(tx, reader, item, settings.emailIncludeText)));
      }
      if (mails.length) await tx.insert(outboundMail).values(mails.map((mail) => ({ userId, to: reader.email!, ...mail })));
      return mails.length;
    });
  }
  return queued;
}

/** Sends what is due, one mail at a time; a mail the server refuses waits longer each time. Returns how many were sent. */
export async function sendDueMail(db: DatabaseLike, mailer: Mailer, host: string, retrySeconds: number, now = new Date()): Promise<number> {
  const due = db
    .select({ id: outboundMail.id })
    .from(outboundMail)
    .where(or(and(eq(outboundMail.status, 'pending'), lte(outboundMail.nextAttemptAt, now)), and(eq(outboundMail.status, 'sending'), lt(outboundMail.claimedUntil, now))))
    .orderBy(asc(outboundMail.createdAt))
    .limit(20)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(outboundMail)
    .set({ status: 'sending', claimedUntil: new Date(now.getTime() + claimMs), attempts: sql`${outboundMail.attempts} + 1` })
    .where(inArray(outboundMail.id, due))
    .returning();
  let sent = 0;
  for (const mail of claimed) {
    try {
      await mailer.send({
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.id}@${host}>`,
        headers: { 'List-Unsubscribe': `<${mail.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'Auto-Submitted': 'auto-generated' },
      });
      // Sent mail keeps no words: the queue is not an archive of what members were told.
      await db.update(outboundMail).set({ status: 'sent', sentAt: new Date(), subject: '', text: '', claimedUntil: null, lastError: null }).where(eq(outboundMail.id, mail.id));
      sent++;
    } catch (error) {
      const wait = Math.min(retrySeconds * 2 ** (mail.attempts - 1), 6 * 3600) * 1000;
      await db
        .update(outboundMail)
        .set({
          status: mail.attempts >= maxAttempts ? 'failed' : 'pending',
          nextAttemptAt: new Date(Date.now() + wait),
          claimedUntil: null,
          lastError: (error as Error).message.slice(0, 500),
        })
        .where(eq(outboundMail.id, mail.id));
    }
  }
  // A month of sent and given-up mail is kept (without text) to answer "did it go?", then it goes.
  await db.delete(outboundMail).where(and(inArray(outboundMail.status, ['sent', 'failed']), lt(outboundMail.createdAt, new Date(now.getTime() - 30 * 86_400_000))));
  return sent;
}

/** Runs the queue every MAIL_POLL_INTERVAL while the node has a mail server to send through. */
export function startMailQueue(context: AppContext, signal: AbortSignal): void {
  const { config, database, mailer, log } = context;
  if (!config.smtp) return;
  const plan: MailPlan = {
    baseUrl: config.baseUrl,
    secret: config.sessionSecret,
    defaultLocale: config.defaultLocale,
    delaySeconds: config.mail.delaySeconds,
    digestHour: config.mail.digestHour,
    timezone: config.timezone,
  };
  const send = async () => {
    await queueDueMail(database.db, plan);
    await sendDueMail(database.db, mailer, config.baseUrl.hostname, config.mail.retrySeconds);
  };
  repeat({ what: 'mail: the e-mail queue', everyMs: config.mail.pollSeconds * 1000 }, send, log, signal);
}
