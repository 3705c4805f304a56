import type { Evaluation, TriggerResult } from '../core/triggers/types.ts';
import { describeVersion } from '../core/version.ts';
import { type TableOptions, table } from './table.ts';

const COLUMNS = ['TRIGGER', 'KIND', 'OUTCOME', 'VALUE', 'BREACH AT', 'SAMPLES', 'WINDOW', 'REASON'] as const;

/** A readable table of an evaluation for people (reasons wrapped to 100 columns); scripts use `--json`. */
export function formatEvaluation(evaluation: Evaluation, options: TableOptions = {}): string {
  const rows = evaluation.triggers.map((trigger) => [
    trigger.id,
    trigger.kind,
    trigger.outcome,
    formatValue(trigger.value),
    formatThreshold(trigger),
    String(trigger.samples),
    trigger.window,
    trigger.reason,
  ]);
  return [
    `${describeVersion(evaluation.version)} at ${evaluation.at}: decision ${evaluation.decision.toUpperCase()}`,
    '',
    table(COLUMNS, rows, options),
  ].join('\n');
}

function formatValue(value: number | null): string {
  if (value === null) return '-';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function formatThreshold(trigger: TriggerResult): string {
  const below = trigger.id === 'critical_precision' || trigger.id === 'critical_recall';
  return `${below ? '<' : '>'} ${trigger.threshold}`;
}
