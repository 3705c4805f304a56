/**
 * Procedure A's "run quick validation — test on 10 sample emails" (seed runbook): the first N
 * samples go to the smoke classifier (a port: an HTTPS endpoint in the workflow, a command for
 * `sentinel rollback`), and the answers are compared with the expected labels. Pure apart from
 * the two ports it is handed.
 */
import type { SmokeClassification, SmokeClassifier, SourceRepository } from '../../ports.ts';
import { SentinelError } from '../errors.ts';
import { decodeText } from '../revert/snapshot.ts';
import { type SmokeSample, smokeSampleSchema, type ValidationPolicy } from './policy.ts';

/** The restored prompt's classifier disagreed with too many expected labels: nothing was committed. */
export class SmokeValidationFailedError extends SentinelError {
  override readonly name = 'SmokeValidationFailedError';
}

/** A configured smoke check could not run (no classifier here, samples missing, bad answer). */
export class SmokeCheckUnavailableError extends SentinelError {
  override readonly name = 'SmokeCheckUnavailableError';
}

export interface SmokeJudgement {
  total: number;
  agreed: number;
  /** Agreements needed: ⌈minAgreement × total⌉. */
  required: number;
  passed: boolean;
  disagreements: { id: string; expected: SmokeSample['expected']; got: string | null }[];
}

/** Compares the classifier's answers with the expected labels; an unanswered sample disagrees. */
export function judgeSmoke(
  samples: readonly SmokeSample[],
  answers: readonly SmokeClassification[],
  minAgreement: number,
): SmokeJudgement {
  const byId = new Map(answers.map((answer) => [answer.id, answer.importance]));
  const disagreements = samples.flatMap((sample) => {
    const got = byId.get(sample.id) ?? null;
    return got === sample.expected ? [] : [{ id: sample.id, expected: sample.expected, got }];
  });
  const total = samples.length;
  const agreed = total - disagreements.length;
  const required = Math.ceil(minAgreement * total - 1e-9);
  return { total, agreed, required, passed: agreed >= required, disagreements };
}

/** JSON lines of `{id, snippet, expected}`; names the file and line of the first bad one. */
export function parseSamplesFile(path: string, text: string): SmokeSample[] {
  const samples: SmokeSample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new SmokeCheckUnavailableError(`${path} line ${index + 1}: not JSON`);
    }
    const sample = smokeSampleSchema.safeParse(parsed);
    if (!sample.success) {
      const issue = sample.error.issues[0];
      throw new SmokeCheckUnavailableError(
        `${path} line ${index + 1}: ${issue?.path.join('.') || '(line)'}: ${issue?.message}`,
      );
    }
    samples.push(sample.data);
  }
  return samples;
}

export function smokeConfigured(smoke: ValidationPolicy['smoke']): boolean {
  return smoke.url !== undefined || smoke.command !== undefined;
}

export interface SmokeDeps {
  repo: SourceRepository;
  /** Absent where the configured variant cannot run (a command in the Lambda). */
  smoke?: SmokeClassifier;
}

/**
 * Runs the configured smoke check against the samples as they are at `targetRef`; returns null
 * when none is configured, the judgement when it passed, and throws SmokeValidationFailedError
 * (naming each disagreement) when it did not.
 */
export async function runSmokeCheck(
  deps: SmokeDeps,
  smoke: ValidationPolicy['smoke'],
  targetRef: string,
): Promise<SmokeJudgement | null> {
  if (!smokeConfigured(smoke)) return null;
  if (deps.smoke === undefined) {
    throw new SmokeCheckUnavailableError(
      smoke.url === undefined
        ? 'validation.smoke.command runs only with `sentinel rollback` on a workstation (a Lambda cannot run local commands): set validation.smoke.url for the workflow'
        : 'validation.smoke.url is set but no smoke classifier was wired in',
    );
  }
  const samples = (await loadSamples(deps.repo, smoke, targetRef)).slice(0, smoke.sampleSize);
  if (samples.length === 0) throw new SmokeCheckUnavailableError('the smoke check has no samples');
  const answers = await deps.smoke.classify(samples);
  const judgement = judgeSmoke(samples, answers, smoke.minAgreement);
  if (!judgement.passed) {
    const shown = judgement.disagreements
      .slice(0, 10)
      .map((miss) => `${miss.id}: expected ${miss.expected}, got ${miss.got ?? 'no answer'}`);
    throw new SmokeValidationFailedError(
      `smoke check by ${deps.smoke.description}: ${judgement.agreed} of ${judgement.total} sample emails got their expected label, ` +
        `needs ${judgement.required} (validation.smoke.minAgreement ${smoke.minAgreement}); nothing was committed:\n  ${shown.join('\n  ')}`,
    );
  }
  return judgement;
}

async function loadSamples(
  repo: SourceRepository,
  smoke: ValidationPolicy['smoke'],
  targetRef: string,
): Promise<SmokeSample[]> {
  if (smoke.samplesFile === undefined) return smoke.samples;
  const bytes = await repo.readFile(targetRef, smoke.samplesFile);
  if (bytes === null) {
    throw new SmokeCheckUnavailableError(
      `validation.smoke.samplesFile ${smoke.samplesFile} does not exist at ${targetRef} in ${repo.description}`,
    );
  }
  return [...smoke.samples, ...parseSamplesFile(smoke.samplesFile, decodeText(bytes))];
}
