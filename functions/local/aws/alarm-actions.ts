import { type AlarmTransition, alarmActionsFor, alarmNotification } from './alarms.ts';
import type { SnsTopics } from './sns.ts';

/** One line of an alarm's action history, as CloudWatch keeps it. */
export interface AlarmActionRecord {
  alarmName: string;
  state: string;
  action: string;
  succeeded: boolean;
  summary: string;
}

const CLOUDWATCH = { kind: 'service', service: 'cloudwatch.amazonaws.com' } as const;

/**
 * Runs the actions of the state an alarm entered. SNS actions publish as cloudwatch.amazonaws.com
 * with the alarm as `aws:SourceArn`: only the topic policy (and the key policy) can allow that.
 */
export function runAlarmActions(
  transition: AlarmTransition,
  topics: SnsTopics,
  where: { region: string; account: string },
): AlarmActionRecord[] {
  const { alarm, state } = transition;
  return alarmActionsFor(alarm, state.value).map((action) => {
    const record = (succeeded: boolean, summary: string): AlarmActionRecord => ({
      alarmName: alarm.name,
      state: state.value,
      action,
      succeeded,
      summary,
    });
    if (action.split(':')[2] !== 'sns')
      return record(
        false,
        `Failed to execute action ${action}. Received error: action type not supported locally`,
      );
    const { subject, message } = alarmNotification(transition, where);
    try {
      topics.publish(
        CLOUDWATCH,
        [],
        { topicArn: action, subject, message },
        { 'aws:SourceArn': alarm.arn, 'aws:SourceAccount': where.account },
      );
      return record(true, `Successfully executed action ${action}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return record(false, `Failed to execute action ${action}. Received error: "${reason}"`);
    }
  });
}
