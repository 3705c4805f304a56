/**
 * Progress on long reads: "… 120,000 lines, 41,000/s", at most every `everyMs` (2 s), so a big
 * file shows it is moving and a small one prints nothing. The reader calls the hook every
 * 10,000 lines; the clock is read here, in the CLI, never in core.
 */
export interface ProgressOptions {
  write: (line: string) => void;
  now?: () => number;
  everyMs?: number;
}

export function progressReporter(options: ProgressOptions): (linesRead: number) => void {
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 2_000;
  const started = now();
  let last = started;
  return (linesRead) => {
    const at = now();
    if (at - last < everyMs) return;
    last = at;
    const perSecond = roughly((linesRead * 1000) / Math.max(1, at - started));
    options.write(`… ${linesRead.toLocaleString('en-US')} lines, ${perSecond.toLocaleString('en-US')}/s`);
  };
}

/** Two significant digits: a rate printed to the unit suggests a precision it does not have. */
function roughly(value: number): number {
  if (value < 100) return Math.round(value);
  const power = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / power) * power;
}
