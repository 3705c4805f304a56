import { runDemo } from '../local/demo/run-demo.ts';

/**
 * `sentinel demo` (= `npm start`): the whole story on the embedded defaults. The progress goes to
 * stderr when `--json` asks for a clean JSON summary on stdout.
 */
export async function runSampleDemo(options: { dir?: string; json: boolean }): Promise<void> {
  const write = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  write('Rollback Sentinel demo: prompt v2 of the ShopQ classifier puts OTP emails into "critical".');
  const summary = await runDemo({ dir: options.dir, log: write });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  write('');
  write(`incident     ${summary.incidentId ?? '-'} (${summary.triggers.join(', ') || 'no trigger'})`);
  write(
    `rolled back  ${summary.fromVersion?.prompt ?? '-'} → ${summary.toVersion?.prompt ?? '-'} (procedure ${summary.procedure ?? '-'})`,
  );
  write(`commit       ${summary.commit ?? '-'}`);
  write(`outcome      ${summary.outcome ?? '-'}`);
  write(`RCA draft    ${summary.rcaPath ?? '-'}`);
  write(
    `detection → commit: ${summary.detectionToCommitMs === null ? '-' : `${summary.detectionToCommitMs} ms`} (wall time)`,
  );
  write(`files kept in ${summary.dir}`);
}
