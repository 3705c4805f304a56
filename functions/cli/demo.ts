import { ValidationError } from '../core/errors.ts';
import { DEMO_SCENARIOS, type DemoScenario, runDemo } from '../local/demo/run-demo.ts';

const STORIES: Record<DemoScenario, string> = {
  otp: 'Rollback Sentinel demo: prompt v2 of the ShopQ classifier puts OTP emails into "critical".',
  drift:
    'Rollback Sentinel demo (drift): prompt v2 shifts the class distribution by 15 pp, a manual trigger that needs approval.',
  manual:
    'Rollback Sentinel demo (manual): nothing fires for prompt v2, but the person on call rolls it back through the workflow.',
};

export function parseScenario(text: string | undefined): DemoScenario {
  const scenario = text ?? 'otp';
  if (!(DEMO_SCENARIOS as readonly string[]).includes(scenario)) {
    throw new ValidationError(`--scenario: "${scenario}" is not one of ${DEMO_SCENARIOS.join(', ')}`);
  }
  return scenario as DemoScenario;
}

/**
 * `sentinel demo` (= `npm start`): the whole story on the embedded defaults. The progress goes to
 * stderr when `--json` asks for a clean JSON summary on stdout.
 */
export async function runSampleDemo(options: {
  dir?: string;
  json: boolean;
  scenario?: string;
  autoApprove?: boolean;
}): Promise<void> {
  const write = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const scenario = parseScenario(options.scenario);
  write(STORIES[scenario]);
  const summary = await runDemo({
    dir: options.dir,
    log: write,
    scenario,
    autoApprove: options.autoApprove ?? true,
  });
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
