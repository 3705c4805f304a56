import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { snsClient } from './clients/sns.ts';
import { requireEnv } from './env.ts';

/** The `alerts` and `pages` topics; only the functions that notify import this. */
export function notifierFromEnv(): SnsNotifier {
  return new SnsNotifier(snsClient, {
    alerts: requireEnv('ALERTS_TOPIC_ARN'),
    pages: requireEnv('PAGES_TOPIC_ARN'),
  });
}
