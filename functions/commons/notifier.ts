import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { snsClient } from './clients/sns.ts';
import { requireEnv } from './env.ts';

/**
 * The `alerts` and `pages` topics; only the functions that notify import this.
 * NOTIFICATION_FORMAT=chatbot (set by lib/notifications.ts when a Slack channel reads the topics)
 * publishes Chatbot-readable messages.
 */
export function notifierFromEnv(): SnsNotifier {
  const format = process.env.NOTIFICATION_FORMAT;
  if (format !== undefined && format !== 'chatbot' && format !== 'plain') {
    throw new Error(`NOTIFICATION_FORMAT must be chatbot or plain, not "${format}"`);
  }
  return new SnsNotifier(
    snsClient,
    { alerts: requireEnv('ALERTS_TOPIC_ARN'), pages: requireEnv('PAGES_TOPIC_ARN') },
    format ?? 'plain',
  );
}
