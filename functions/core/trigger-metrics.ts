import type { MetricDatum } from '../ports.ts';
import type { Evaluation } from './triggers/types.ts';
import { versionKey } from './version.ts';

/** The metric the dashboard plots: every trigger's value per version at each evaluation. */
export const TRIGGER_VALUE_METRIC = 'TriggerValue';

/**
 * One datum per trigger that has a value (no data → no point, rather than a misleading zero),
 * with dimensions `Trigger` and `Version` for the dashboard's per-version lines.
 */
export function triggerValueMetrics(evaluations: readonly Evaluation[]): MetricDatum[] {
  return evaluations.flatMap((evaluation) =>
    evaluation.triggers.flatMap((trigger) =>
      trigger.value === null
        ? []
        : [
            {
              name: TRIGGER_VALUE_METRIC,
              timestamp: new Date(evaluation.at),
              unit: 'Count' as const,
              dimensions: { Trigger: trigger.id, Version: versionKey(evaluation.version) },
              value: trigger.value,
            },
          ],
    ),
  );
}
