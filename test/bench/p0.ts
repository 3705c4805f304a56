/**
 * P0 latency on the local stack, in real time: an OTP email classified critical is POSTed to the
 * signed ingest URL; measured are event → StartExecution (ingest wakes the dispatcher) and
 * event → revert commit (ConfirmTrigger, CaptureState, ChooseTarget, NotifyStart, RevertCommit
 * through Octokit to the local GitHub). Median of 5 fresh stacks; functions warmed first, as
 * provisioned concurrency would (cold starts are the AWS budget's business, see README).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../../functions/adapters/git-cli.ts';
import { createDemoAppRepo } from '../../functions/local/demo/app-repo.ts';
import { startGitHubServerProcess } from '../../functions/local/github-server-process.ts';
import { startLocalStack } from '../../functions/local/stack/local-stack.ts';
import { DEFAULT_GITHUB_TOKEN_SECRET_NAME } from '../../lib/rollback-sentinel-stack.ts';
import { classification, postToIngest } from '../support/classifier.ts';

const RUNS = 5;
const TARGET_COMMIT_MS = 3_000;

async function once(): Promise<{ startMs: number; commitMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'sentinel-bench-p0-'));
  const token = 'bench-token';
  await createDemoAppRepo(join(dir, 'app'), new Date());
  await runGit(dir, ['clone', '-q', '--bare', join(dir, 'app'), join(dir, 'app.git')]);
  const github = await startGitHubServerProcess({
    gitDir: join(dir, 'app.git'),
    owner: 'shopq',
    repo: 'classifier',
    token,
  });
  let committed: (() => void) | undefined;
  const commit = new Promise<void>((resolve) => (committed = resolve));
  const stack = await startLocalStack({
    context: { repository: 'shopq/classifier', githubApiUrl: github.baseUrl },
    externalSecrets: { [DEFAULT_GITHUB_TOKEN_SECRET_NAME]: token },
    onTransition: (_name, event) => {
      if (event.kind === 'state' && event.phase === 'exited' && event.stateName === 'RevertCommit')
        committed?.();
    },
  });
  try {
    stack.warm();
    const caller = stack.addClassifier('classifier');
    // Warm every path once with harmless traffic, so the figure is the pipeline, not module loading.
    const routine = classification('warm');
    await postToIngest(stack, [routine], caller);
    await stack.tick();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const otp = {
      ...routine,
      id: 'otp',
      importance: 'critical',
      snippet: 'Your verification code is 482913',
    };
    const sent = performance.now();
    await postToIngest(stack, [otp], caller);
    while (stack.stepFunctions.executions.size === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const startMs = performance.now() - sent;
    await commit;
    return { startMs, commitMs: performance.now() - sent };
  } finally {
    await stack.close();
    await github.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchP0(): Promise<Record<string, number | string>> {
  const runs: { startMs: number; commitMs: number }[] = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await once());
  const startMs = median(runs.map((r) => r.startMs));
  const commitMs = median(runs.map((r) => r.commitMs));
  console.log(
    `event → StartExecution: median ${startMs.toFixed(0)} ms (${runs.map((r) => r.startMs.toFixed(0)).join(', ')})`,
  );
  console.log(
    `event → revert commit:  median ${commitMs.toFixed(0)} ms (${runs.map((r) => r.commitMs.toFixed(0)).join(', ')}), ` +
      `${(commitMs / TARGET_COMMIT_MS).toFixed(2)}× the 3 s local target`,
  );
  return { 'event → StartExecution ms': Math.round(startMs), 'event → commit ms': Math.round(commitMs) };
}
