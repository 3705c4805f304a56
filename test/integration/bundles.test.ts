/**
 * The bundles that deploy: `cdk synth` with esbuild into a cloud assembly, then every bundle
 * (not the TypeScript source) loaded in its own worker and invoked once with its template
 * environment against the local endpoints.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../functions/local/stack/local-stack.ts';
import { classification, postToIngest } from '../support/classifier.ts';
import { MISSING_INCIDENT_STATE as STATE } from '../support/missing-incident.ts';

describe('every bundle of the synth output', () => {
  let stack: LocalStack;
  let outdir: string;
  const denied: string[] = [];
  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'sentinel-bundles-'));
    stack = await startLocalStack({
      context: { repository: 'shopq/classifier' },
      bundle: true,
      outdir,
      externalSecrets: { 'rollback-sentinel/github-token': 'unused' },
      onDenied: (message) => denied.push(message),
    });
  }, 240_000);
  afterAll(async () => {
    await stack?.close();
    await rm(outdir, { recursive: true, force: true });
  });

  it('points every function at its esbuild bundle in the cloud assembly', async () => {
    expect(stack.functions).toHaveLength(14);
    for (const fn of stack.functions) {
      expect(fn.module.startsWith(outdir)).toBe(true);
      expect((await stat(fn.module)).size).toBeGreaterThan(1000);
    }
  });

  it('loads and runs each bundle once with its template environment', async () => {
    const caller = stack.addClassifier('classifier');
    expect(await postToIngest(stack, [classification('e-1')], caller)).toMatchObject({
      status: 200,
      body: { accepted: 1 },
    });
    await stack.tick();
    expect(await stack.invoke('Dispatcher/DispatcherFunction', {})).toMatchObject({
      ignored: expect.any(String),
    });
    expect((await fetch(stack.functionUrl('Approvals/ApprovalFunction'))).status).toBe(400);
    const steps = stack.synthesized.functions.flatMap((fn) => (fn.step ? [fn.step] : []));
    expect(steps).toHaveLength(10);
    for (const step of steps) {
      // A state for an incident that does not exist: each step gets as far as its first read of it.
      const failure = (await stack
        .invoke(step, { ...STATE, stage: 'immediate', outcome: 'completed', taskToken: 't', state: STATE })
        .catch((error: Error) => error)) as Error;
      // CheckDeploy checks the state for the target and the commit before it reads anything.
      const expected = step === 'check-deploy' ? /needs the chosen target/ : /^no incident inc-missing$/;
      expect(failure.message, `${step}: ${failure.name}`).toMatch(expected);
    }
    expect(denied).toEqual([]);
  });
});
