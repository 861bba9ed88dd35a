// One notice as a line of text, the same on the notifications page and in e-mail. It is plain
// text (members' names and titles unescaped): the page's template escapes it.
import type { Locale } from '../config.ts';
import { translator } from '../i18n/i18n.ts';
import { dayText } from '../web/helpers/date.ts';
import type { NotificationItem } from './notifications.service.ts';

export function noticeLine(item: NotificationItem, locale: Locale): string {
  const t = translator(locale);
  // A batch of reactions names one person and counts the others; other batches count their notices.
  const key = item.ids.length > 1 ? `${item.kind}Many` : item.kind;
  return t(`notifications.kinds.${key}`, {
    name: item.actors[0] ?? t('forums.deletedMember'),
    count: item.kind === 'reaction' ? item.actors.length - 1 : item.ids.length,
    title: item.subject,
    when: dayText(item.meetingOn, locale),
  });
}
