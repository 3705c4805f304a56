/**
 * One contract for every SourceRepository adapter: the same tests run against LocalGitRepo
 * and against GitHubRepo talking to the fake GitHub server. Results are checked with the
 * git CLI in the repository that really holds the objects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gitText } from '../../functions/adapters/git-cli.ts';
import { BranchMovedError } from '../../functions/core/revert/errors.ts';
import { executeRevert, type RevertRequest } from '../../functions/core/revert/execute.ts';
import { parseTrailers } from '../../functions/core/revert/trailers.ts';
import type { SourceRepository } from '../../functions/ports.ts';
import {
  CLASSIFIER,
  countIncidentCommits,
  PROMPT,
  PROMPT_V1,
  refsSnapshot,
  type Scenario,
  type ShopqRepo,
  STABLE_TAG,
  showFile,
  VERSIONING,
  versioning,
} from '../support/shopq-repo.ts';

export interface OpenedRepo {
  repo: SourceRepository;
  /** The Git repository holding the adapter's objects (the fake server's bare repo for GitHub). */
  gitDir: string;
  fixture: ShopqRepo;
  close(): Promise<void>;
}

export interface ContractHarness {
  name: string;
  /** GitHub opens pull requests; a plain local repository has none. */
  pullRequests: boolean;
  open(scenario: Scenario): Promise<OpenedRepo>;
}

export const NOW = new Date('2026-11-27T10:15:00Z');

export const request = (incidentId: string, extra: Partial<RevertRequest> = {}): RevertRequest => ({
  incidentId,
  triggerIds: ['otp_in_critical'],
  reason: 'OTP in critical',
  targetRef: STABLE_TAG,
  ...extra,
});

export function sourceRepositoryContract(harness: ContractHarness): void {
  describe(`SourceRepository contract: ${harness.name}`, () => {
    const opened: OpenedRepo[] = [];
    const open = async (scenario: Scenario) => {
      const repo = await harness.open(scenario);
      opened.push(repo);
      return repo;
    };
    afterEach(async () => {
      for (const repo of opened.splice(0)) await repo.close();
    });

    it('reads branches, refs, files, stable tags and changed paths', async () => {
      const { repo, fixture } = await open('prompt');
      expect(await repo.defaultBranch()).toBe('main');
      expect(await repo.resolveRef('main')).toBe(fixture.headSha);
      expect(await repo.resolveRef(`refs/tags/${STABLE_TAG}`)).toBe(fixture.stableSha);
      expect(await repo.resolveRef(fixture.stableSha)).toBe(fixture.stableSha);
      expect(await repo.resolveRef('no-such-branch')).toBeNull();
      expect(await repo.resolveRef('0'.repeat(40))).toBeNull();
      expect(Buffer.from((await repo.readFile(fixture.stableSha, PROMPT)) ?? [])).toEqual(
        Buffer.from(PROMPT_V1),
      );
      expect(await repo.readFile(fixture.stableSha, 'no/such/file.txt')).toBeNull();
      const tags = await repo.listStableTags();
      expect(tags.map((tag) => tag.name)).toEqual([STABLE_TAG, 'v1.1.0-stable']);
      expect(tags[0]?.sha).toBe(fixture.stableSha);
      expect((await repo.changedPaths(fixture.stableSha, fixture.headSha)).sort()).toEqual(
        [PROMPT, VERSIONING].sort(),
      );
      expect(await repo.findCommitWithTrailer('main', 'Rollback-Incident', 'inc-A', 50)).toBeNull();
      expect(await repo.commitChecks(fixture.headSha)).toBe('none');
    });

    it('commitFiles is a compare-and-swap: a stale expected head changes nothing', async () => {
      const { repo, gitDir, fixture } = await open('prompt');
      const before = await refsSnapshot(gitDir);
      await expect(
        repo.commitFiles({
          branch: 'main',
          expectedHead: fixture.stableSha,
          message: 'stale\n',
          changes: [{ path: 'x.txt', content: new TextEncoder().encode('x') }],
        }),
      ).rejects.toBeInstanceOf(BranchMovedError);
      expect(await refsSnapshot(gitDir)).toBe(before);
    });

    it('createBranch creates once, then reports that it exists without moving it', async () => {
      const { repo, gitDir, fixture } = await open('prompt');
      expect(await repo.createBranch('rollback/test', fixture.stableSha)).toBe('created');
      expect(await repo.createBranch('rollback/test', fixture.headSha)).toBe('exists');
      expect(await gitText(gitDir, ['rev-parse', 'refs/heads/rollback/test'])).toBe(fixture.stableSha);
    });

    it('procedure A: one commit restoring the prompt byte for byte, PROMPT_VERSION, trailers, one VERSIONS.md line', async () => {
      const { repo, gitDir, fixture } = await open('prompt');
      const result = await executeRevert(
        repo,
        request('inc-A', { triggerIds: ['otp_in_critical', 'critical_precision'] }),
        NOW,
      );
      expect(result.outcome).toBe('committed');
      if (result.outcome !== 'committed') return;
      expect(result.procedure).toBe('A');
      expect(result.alreadyDone).toBe(false);
      expect(result.branch).toBe('main');
      const head = await gitText(gitDir, ['rev-parse', 'refs/heads/main']);
      expect(head).toBe(result.commit.sha);
      expect(await gitText(gitDir, ['rev-parse', `${head}^`])).toBe(fixture.headSha);
      expect((await showFile(gitDir, head, VERSIONING)).toString()).toBe(
        versioning('gemini-2.0-flash', '2.0', 'v1'),
      );
      expect((await showFile(gitDir, head, VERSIONING)).toString()).toContain('PROMPT_VERSION = "v1"');
      expect(await showFile(gitDir, head, PROMPT)).toEqual(await showFile(gitDir, fixture.stableSha, PROMPT));
      const message = await gitText(gitDir, ['log', '-1', '--format=%B', head]);
      expect(message.split('\n')[0]).toBe('rollback: Revert prompt to v1 due to OTP in critical');
      expect(parseTrailers(message)).toEqual([
        { key: 'Rollback-Incident', value: 'inc-A' },
        { key: 'Rollback-Trigger', value: 'otp_in_critical, critical_precision' },
      ]);
      const log = (await showFile(gitDir, head, 'VERSIONS.md')).toString();
      expect(log.split('\n').filter((line) => line.includes('rollback inc-A'))).toEqual([
        '- 2026-11-27T10:15Z rollback inc-A prompt v2 → v1 (procedure A): OTP in critical',
      ]);
      expect(await gitText(gitDir, ['diff', '--name-only', fixture.headSha, head])).toBe(
        ['VERSIONS.md', PROMPT, VERSIONING].sort().join('\n'),
      );
      expect(await countIncidentCommits(gitDir, 'main', 'inc-A')).toBe(1);
    });

    it('a retried step for the same incident returns the same commit, alreadyDone, and commits nothing', async () => {
      const { repo, gitDir } = await open('prompt');
      const first = await executeRevert(repo, request('inc-R'), NOW);
      const refs = await refsSnapshot(gitDir);
      const second = await executeRevert(repo, request('inc-R'), new Date(NOW.getTime() + 60_000));
      expect(second.outcome).toBe('already-done');
      expect(second.alreadyDone).toBe(true);
      if (first.outcome !== 'committed' || second.outcome !== 'already-done') return;
      expect(second.commit.sha).toBe(first.commit.sha);
      expect(await refsSnapshot(gitDir)).toBe(refs);
      expect(await countIncidentCommits(gitDir, 'main', 'inc-R')).toBe(1);
    });

    it('procedure B: restores MODEL_NAME/MODEL_VERSION and the model reference files', async () => {
      const { repo, gitDir, fixture } = await open('model');
      const result = await executeRevert(
        repo,
        request('inc-B', { layout: { modelReferenceFiles: [CLASSIFIER] } }),
        NOW,
      );
      expect(result.outcome).toBe('committed');
      if (result.outcome !== 'committed') return;
      expect(result.procedure).toBe('B');
      const head = result.commit.sha;
      expect((await showFile(gitDir, head, VERSIONING)).toString()).toBe(
        versioning('gemini-1.5-flash', '1.5', 'v1'),
      );
      expect(await showFile(gitDir, head, CLASSIFIER)).toEqual(
        await showFile(gitDir, fixture.stableSha, CLASSIFIER),
      );
      expect(await gitText(gitDir, ['log', '-1', '--format=%s', head])).toBe(
        'rollback: Revert model to gemini-1.5-flash due to OTP in critical',
      );
      expect(await countIncidentCommits(gitDir, 'main', 'inc-B')).toBe(1);
    });

    it(`procedure C: a rollback branch with the stable tree${harness.pullRequests ? ' and a pull request' : ' (no pull request locally)'}`, async () => {
      const { repo, gitDir, fixture } = await open('full');
      const result = await executeRevert(repo, request('inc-C'), NOW);
      expect(result.outcome).toBe('committed');
      if (result.outcome !== 'committed') return;
      expect(result.procedure).toBe('C');
      expect(result.branch).toBe('rollback/20261127-1015');
      // The default branch is untouched: C goes through review.
      expect(await gitText(gitDir, ['rev-parse', 'refs/heads/main'])).toBe(fixture.headSha);
      const tip = await gitText(gitDir, ['rev-parse', 'refs/heads/rollback/20261127-1015']);
      expect(tip).toBe(result.commit.sha);
      expect(await gitText(gitDir, ['rev-parse', `${tip}^`])).toBe(fixture.headSha);
      // Same tree as the stable tag except the VERSIONS.md line (README restored, app.py deleted).
      expect(await gitText(gitDir, ['diff', '--name-only', fixture.stableSha, tip])).toBe('VERSIONS.md');
      expect(await countIncidentCommits(gitDir, 'rollback/20261127-1015', 'inc-C')).toBe(1);
      if (harness.pullRequests) {
        expect(result.pullRequest?.number).toBeGreaterThan(0);
      } else {
        expect(result.pullRequest).toBeNull();
      }
      const again = await executeRevert(repo, request('inc-C'), NOW);
      expect(again.outcome).toBe('already-done');
      if (again.outcome === 'already-done') {
        expect(again.commit.sha).toBe(tip);
        expect(again.pullRequest?.number).toBe(result.pullRequest?.number);
      }
    });

    it('dry run returns the diff and writes nothing', async () => {
      const { repo, gitDir } = await open('prompt');
      const refs = await refsSnapshot(gitDir);
      const result = await executeRevert(repo, request('inc-D', { dryRun: true }), NOW);
      expect(result.outcome).toBe('dry-run');
      if (result.outcome !== 'dry-run') return;
      expect(result.procedure).toBe('A');
      expect(result.diff).toContain(`--- a/${VERSIONING}`);
      expect(result.diff).toContain('-PROMPT_VERSION = "v2"');
      expect(result.diff).toContain('+PROMPT_VERSION = "v1"');
      expect(result.diff).toContain(
        '+- 2026-11-27T10:15Z rollback inc-D prompt v2 → v1 (procedure A): OTP in critical',
      );
      expect(result.changedFiles.sort()).toEqual(['VERSIONS.md', PROMPT, VERSIONING].sort());
      expect(await refsSnapshot(gitDir)).toBe(refs);
    });

    it('without a target ref, reverts to the newest *-stable tag at another version', async () => {
      const { repo, gitDir, fixture } = await open('prompt');
      const result = await executeRevert(repo, request('inc-T', { targetRef: undefined }), NOW);
      expect(result.outcome).toBe('committed');
      if (result.outcome !== 'committed') return;
      expect(await showFile(gitDir, result.commit.sha, PROMPT)).toEqual(
        await showFile(gitDir, fixture.stableSha, PROMPT),
      );
    });
  });
}
