import { describe, expect, it } from 'vitest';
import type { Incident } from '../../functions/core/incident/incident.ts';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';
import { DEFAULT_LAYOUT } from '../../functions/core/revert/layout.ts';
import { decideProcedure } from '../../functions/core/revert/procedure.ts';
import type { Snapshot } from '../../functions/core/revert/snapshot.ts';
import {
  judgeRequiredChecks,
  RequiredCheckFailedError,
} from '../../functions/core/validation/required-checks.ts';
import {
  judgeSmoke,
  runSmokeCheck,
  SmokeCheckUnavailableError,
  SmokeValidationFailedError,
} from '../../functions/core/validation/smoke.ts';
import { checkDeploy } from '../../functions/core/workflow/check-deploy.ts';
import { assertGdsGate, MissingGdsReportError } from '../../functions/core/workflow/revert.ts';
import type { WorkflowState } from '../../functions/core/workflow/state.ts';
import type { CheckRun, SmokeClassifier, SourceRepository } from '../../functions/ports.ts';

const encode = (text: string) => new TextEncoder().encode(text);
const V1 = { model: 'gemini-1.5-flash', modelVersion: '1.5', prompt: 'v1' };
const versioning = (model: string, version: string, prompt: string) =>
  `MODEL_NAME = "${model}"\nMODEL_VERSION = "${version}"\nPROMPT_VERSION = "${prompt}"\n`;

function snapshot(sha: string, files: Record<string, string>): Snapshot {
  return { sha, files: new Map(Object.entries(files).map(([path, text]) => [path, encode(text)])) };
}

describe('policy validation', () => {
  it('defaults keep today: no smoke check, no required checks, missing GDS report refused; the classifier is a model reference', () => {
    expect(DEFAULT_POLICY.validation).toEqual({
      smoke: { sampleSize: 10, minAgreement: 1, samples: [] },
      requiredChecks: [],
      allowMissingGdsReport: false,
    });
    expect(DEFAULT_POLICY.repository.modelReferenceFiles).toEqual(['shopq/vertex_gemini_classifier.py']);
  });

  it('refuses a smoke check without samples, a plain-http URL and a bad expected label, by path', () => {
    expect(() => parsePolicy({ validation: { smoke: { url: 'https://x.example/s' } } })).toThrow(
      /validation\.smoke\.samples: a smoke check needs samples/,
    );
    expect(() =>
      parsePolicy({ validation: { smoke: { url: 'http://x.example/s', samplesFile: 'a.jsonl' } } }),
    ).toThrow(/validation\.smoke\.url: must be https:\/\//);
    expect(() =>
      parsePolicy({
        validation: { smoke: { command: 'x', samples: [{ id: 'a', snippet: 'b', expected: 'urgent' }] } },
      }),
    ).toThrow(/validation\.smoke\.samples\.0\.expected: must be one of critical, time_sensitive, routine/);
  });
});

describe('procedure A smoke check (core)', () => {
  const samples = [
    { id: 'a', snippet: 'code 123456', expected: 'routine' as const },
    { id: 'b', snippet: 'gate change', expected: 'time_sensitive' as const },
  ];
  const fakeRepo = (files: Record<string, string>) =>
    ({
      description: 'acme/shopq',
      readFile: async (_ref: string, path: string) => (path in files ? encode(files[path] as string) : null),
    }) as unknown as SourceRepository;
  const answering = (labels: Record<string, string>): SmokeClassifier & { calls: unknown[] } => {
    const calls: unknown[] = [];
    return {
      description: 'fake',
      calls,
      classify: async (emails) => {
        calls.push(emails);
        return emails.map((email) => ({ id: email.id, importance: labels[email.id] ?? 'routine' }));
      },
    };
  };

  it('judges agreement against minAgreement; an unanswered sample disagrees', () => {
    expect(judgeSmoke(samples, [{ id: 'a', importance: 'routine' }], 0.5)).toMatchObject({
      agreed: 1,
      required: 1,
      passed: true,
      disagreements: [{ id: 'b', expected: 'time_sensitive', got: null }],
    });
    expect(judgeSmoke(samples, [{ id: 'a', importance: 'routine' }], 1).passed).toBe(false);
  });

  it('passes on the first sampleSize samples of the samples file at the target ref', async () => {
    const file = samples.map((sample) => JSON.stringify(sample)).join('\n');
    const classifier = answering({ a: 'routine', b: 'time_sensitive' });
    const smoke = parsePolicy({
      validation: {
        smoke: { url: 'https://c.example/s', samplesFile: 'shopq/smoke_samples.jsonl', sampleSize: 2 },
      },
    }).validation.smoke;
    const result = await runSmokeCheck(
      { repo: fakeRepo({ 'shopq/smoke_samples.jsonl': `${file}\n${file}\n` }), smoke: classifier },
      smoke,
      'v1.2.0-stable',
    );
    expect(result).toMatchObject({ total: 2, agreed: 2, passed: true });
    expect(classifier.calls).toEqual([samples]);
  });

  it('fails with SmokeValidationFailedError naming the disagreement; a command cannot run in the workflow', async () => {
    const smoke = parsePolicy({ validation: { smoke: { url: 'https://c.example/s', samples } } }).validation
      .smoke;
    await expect(
      runSmokeCheck({ repo: fakeRepo({}), smoke: answering({ b: 'critical' }) }, smoke, 'v1'),
    ).rejects.toThrow(SmokeValidationFailedError);
    await expect(
      runSmokeCheck({ repo: fakeRepo({}), smoke: answering({ b: 'critical' }) }, smoke, 'v1'),
    ).rejects.toThrow(/1 of 2 sample emails[\s\S]*b: expected time_sensitive, got critical/);
    const command = parsePolicy({ validation: { smoke: { command: './smoke', samples } } }).validation.smoke;
    await expect(runSmokeCheck({ repo: fakeRepo({}) }, command, 'v1')).rejects.toThrow(
      SmokeCheckUnavailableError,
    );
    await expect(
      runSmokeCheck({ repo: fakeRepo({}) }, DEFAULT_POLICY.validation.smoke, 'v1'),
    ).resolves.toBeNull();
  });
});

describe('procedure B', () => {
  it('a model-only change that also edits the Vertex classifier is B with the default layout', () => {
    const classifier = (model: string) => `self.model = GenerativeModel("${model}")\n`;
    const target = snapshot('t'.repeat(40), {
      'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v1'),
      'shopq/vertex_gemini_classifier.py': classifier('gemini-1.5-flash'),
      'shopq/prompts/classifier_prompt.txt': 'prompt v1',
      'VERSIONS.md': '',
    });
    const head = snapshot('h'.repeat(40), {
      'shopq/versioning.py': versioning('gemini-2.0-flash', '2.0', 'v1'),
      'shopq/vertex_gemini_classifier.py': classifier('gemini-2.0-flash'),
      'shopq/prompts/classifier_prompt.txt': 'prompt v1',
      'VERSIONS.md': '',
    });
    const decision = decideProcedure({
      layout: DEFAULT_LAYOUT,
      target,
      head,
      changedPaths: ['shopq/versioning.py', 'shopq/vertex_gemini_classifier.py'],
    });
    expect(decision).toMatchObject({ procedure: 'B', otherChangedPaths: [] });
  });

  it('no stored GDS report fails the gate (MissingGdsReportError says how to allow it) unless allowMissingGdsReport', async () => {
    const deps = (allowMissingGdsReport: boolean) => ({
      metrics: { readGdsReports: async () => [] } as never,
      clock: { now: () => new Date('2026-11-27T12:00:00Z') },
      policy: parsePolicy({ validation: { allowMissingGdsReport } }),
    });
    await expect(assertGdsGate(deps(false), V1)).rejects.toThrow(MissingGdsReportError);
    await expect(assertGdsGate(deps(false), V1)).rejects.toThrow(/validation\.allowMissingGdsReport: true/);
    await expect(assertGdsGate(deps(true), V1)).resolves.toBeNull();
  });
});

describe('required checks', () => {
  const run = (name: string, status: string, conclusion: string | null): CheckRun => ({
    name,
    status,
    conclusion,
  });

  it('judges by name: success, missing or running = pending, a failed one = failure', () => {
    const required = ['ci/test', 'ci/lint'];
    expect(
      judgeRequiredChecks(
        [run('ci/test', 'completed', 'success'), run('ci/lint', 'completed', 'skipped')],
        required,
      ).state,
    ).toBe('success');
    expect(
      judgeRequiredChecks(
        [run('ci/test', 'in_progress', null), run('other', 'completed', 'failure')],
        required,
      ),
    ).toEqual({
      state: 'pending',
      missing: ['ci/lint'],
      pending: ['ci/test'],
      failed: [],
    });
    expect(judgeRequiredChecks([run('ci/test', 'completed', 'timed_out')], required).failed).toEqual([
      { name: 'ci/test', conclusion: 'timed_out' },
    ]);
  });

  const COMMITTED = '2026-11-27T12:00:00.000Z';
  function deployDeps(runsBySha: Record<string, CheckRun[]>, branches: Record<string, string> = {}) {
    const saved: Incident[] = [];
    const incident = {
      id: 'inc-checks',
      timeline: [],
      updatedAt: COMMITTED,
    } as unknown as Incident;
    return {
      deps: {
        repo: {
          description: 'acme/shopq',
          defaultBranch: async () => 'main',
          resolveRef: async (ref: string) => branches[ref] ?? null,
          commitChecks: async () => 'none' as const,
          checkRuns: async (sha: string) => runsBySha[sha] ?? [],
        } as unknown as SourceRepository,
        incidents: {
          get: async () => saved.at(-1) ?? incident,
          save: async (next: Incident) => void saved.push(next),
        } as never,
        metrics: {
          listVersionSightings: async () => [
            { version: V1, firstSeen: 0, lastSeen: Date.parse(COMMITTED) + 60_000 },
          ],
        } as never,
        clock: { now: () => new Date(Date.parse(COMMITTED) + 120_000) },
        policy: parsePolicy({ validation: { requiredChecks: ['ci/test'] } }),
      },
      saved,
    };
  }
  const state = (procedure: 'A' | 'C', branch = 'main'): WorkflowState =>
    ({
      incidentId: 'inc-checks',
      target: { version: V1, ref: 'v1.2.0-stable', procedure, timing: {} },
      revert: { sha: 'r'.repeat(40), branch, alreadyDone: false, dryRun: false, committedAt: COMMITTED },
    }) as unknown as WorkflowState;

  it('CheckDeploy: live but the required check not reported → not deployed yet; passed → deployed', async () => {
    const pending = deployDeps({});
    expect(await checkDeploy(pending.deps as never, state('A'))).toMatchObject({ deployed: false });
    const passed = deployDeps({ ['r'.repeat(40)]: [run('ci/test', 'completed', 'success')] });
    expect(await checkDeploy(passed.deps as never, state('A'))).toMatchObject({ deployed: true });
  });

  it('CheckDeploy: a failed required check escalates naming it; procedure C reads the rollback branch head', async () => {
    const failed = deployDeps({ ['r'.repeat(40)]: [run('ci/test', 'completed', 'failure')] });
    await expect(checkDeploy(failed.deps as never, state('A'))).rejects.toThrow(RequiredCheckFailedError);
    await expect(checkDeploy(failed.deps as never, state('A'))).rejects.toThrow(
      /required check ci\/test \(failure\)/,
    );
    const branchHead = 'b'.repeat(40);
    const onBranch = deployDeps(
      {
        ['r'.repeat(40)]: [run('ci/test', 'completed', 'success')],
        [branchHead]: [run('ci/test', 'completed', 'failure')],
      },
      { 'refs/heads/rollback/20261127-1200': branchHead },
    );
    await expect(checkDeploy(onBranch.deps as never, state('C', 'rollback/20261127-1200'))).rejects.toThrow(
      /failed on rollback\/20261127-1200 head bbbbbbbbbbbb/,
    );
  });
});
