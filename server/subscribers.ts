// Who listens to the domain's events: wired once when a node starts (wiring again replaces).
import { subscribeModeration } from './moderation/subscribers.ts';
import { subscribeNotifications } from './notifications/subscribers.ts';

export function wireSubscribers(): void {
  subscribeNotifications();
  subscribeModeration();
}
