import type { Evaluation, TriggerResult } from '../core/triggers/types.ts';
import { describeVersion } from '../core/version.ts';

const COLUMNS = ['TRIGGER', 'KIND', 'OUTCOME', 'VALUE', 'BREACH AT', 'SAMPLES', 'WINDOW', 'REASON'] as const;

/** A readable table of an evaluation for people; scripts use `--json`. */
export function formatEvaluation(evaluation: Evaluation): string {
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
  const widths = COLUMNS.map((title, column) =>
    Math.max(
      title.length,
      ...rows.slice().map((row) => (column === COLUMNS.length - 1 ? 0 : (row[column] ?? '').length)),
    ),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [
    `${describeVersion(evaluation.version)} at ${evaluation.at}: decision ${evaluation.decision.toUpperCase()}`,
    '',
    line(COLUMNS),
    ...rows.map(line),
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
