import type { Clock, Notification, NotificationLog, Notifier } from '../../ports.ts';
import { parseDuration } from '../duration.ts';

export interface NotifyOnceDeps {
  notifier: Notifier;
  log: NotificationLog;
  clock: Clock;
}

/**
 * Publishes a notification at most once per `key` and time bucket of length `every` (e.g. the
 * same trigger warning for the same version once an hour). Pages and P0 messages are never
 * deduplicated, unless `dedupePages` (a warning paged during close monitoring is still a warning).
 * If publishing fails the claim is given back, so the next attempt may send it.
 */
export async function notifyOnce(
  deps: NotifyOnceDeps,
  notification: Notification,
  key: string,
  every: string,
  options: { dedupePages?: boolean } = {},
): Promise<{ sent: boolean; key?: string }> {
  if (!options.dedupePages && (notification.topic === 'pages' || notification.attributes.severity === 'P0')) {
    await deps.notifier.publish(notification);
    return { sent: true };
  }
  const spanMs = parseDuration(every);
  const now = deps.clock.now().getTime();
  const bucketStart = Math.floor(now / spanMs) * spanMs;
  const bucketKey = `${key}#${new Date(bucketStart).toISOString()}`;
  if (!(await deps.log.claim(bucketKey, bucketStart + spanMs))) return { sent: false, key: bucketKey };
  try {
    await deps.notifier.publish(notification);
  } catch (error) {
    await deps.log.release(bucketKey);
    throw error;
  }
  return { sent: true, key: bucketKey };
}
