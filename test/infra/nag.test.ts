import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { TEST_REPOSITORY } from './synth.ts';

const context = { repository: TEST_REPOSITORY };
const outdirs: string[] = [];
afterEach(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-nag-'));
  outdirs.push(dir);
  return dir;
}

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes with the checks registered and no unacknowledged error', () => {
    const { app } = buildApp({ bundle: false, nag: true, outdir: outdir(), context });
    // An unacknowledged error makes an in-process synth throw ValidationFailed with the report.
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: { severity?: string; ruleName?: string }[] }[];
    };
    const errors = report.pluginReports
      .flatMap((plugin) => plugin.violations ?? [])
      .filter((v) => v.severity === 'error');
    expect(errors).toEqual([]);

    const direct = new AwsSolutionsChecks().validateScope(app);
    expect(direct.violations.filter((violation) => violation.severity === 'error')).toEqual([]);
  });

  it('still catches a real finding (the check is live)', () => {
    const { app, stack } = buildApp({ bundle: false, nag: true, outdir: outdir(), context });
    new Topic(stack, 'TopicWithoutSslPolicy'); // AwsSolutions-SNS3: publishers not forced to TLS
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });

  it('acknowledges each finding with a written reason, and only IAM5 wildcard findings (and the approval key rotation)', () => {
    const { app } = buildApp({ bundle: false, context });
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // The approval link HMAC key has no rotation Lambda (lib/approvals.ts says why); nothing else may skip SMG4.
      if (ack.path.endsWith('/Approvals/SigningKey')) {
        expect(ack.id).toMatch(/^(Annotation::)?AwsSolutions-SMG4$/);
        expect(ack.reason.length).toBeGreaterThan(60);
        continue;
      }
      expect(ack.id, ack.path).toMatch(
        /^(Annotation::)?AwsSolutions-IAM5\[(Resource::\*|Resource::<\w+\.Arn>:\*)\]$/,
      );
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(60);
    }
  });
});
