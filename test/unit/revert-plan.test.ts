import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors.ts';
import { unifiedDiff } from '../../functions/core/revert/diff.ts';
import { SmokeCheckFailedError, VersionFileError } from '../../functions/core/revert/errors.ts';
import { DEFAULT_LAYOUT, type RepoLayout } from '../../functions/core/revert/layout.ts';
import { planRevert, rollbackBranchName } from '../../functions/core/revert/plan.ts';
import { decideProcedure, type Procedure } from '../../functions/core/revert/procedure.ts';
import { smokeCheck } from '../../functions/core/revert/smoke.ts';
import type { Snapshot } from '../../functions/core/revert/snapshot.ts';
import { hasTrailer, parseTrailers } from '../../functions/core/revert/trailers.ts';

const text = (value: string) => new TextEncoder().encode(value);
const read = (bytes: Uint8Array | null | undefined) =>
  bytes == null ? null : new TextDecoder().decode(bytes);

const versioning = (model: string, modelVersion: string, prompt: string) =>
  `# ShopQ versions\nMODEL_NAME = "${model}"\nMODEL_VERSION = "${modelVersion}"\nPROMPT_VERSION = "${prompt}"\n`;

const PROMPT_V1 = 'Classify the email.\nOTP codes are routine.\n';
const PROMPT_V2 = 'Classify the email.\nBe generous with critical.\n';

function snapshot(sha: string, files: Record<string, string | null>): Snapshot {
  return {
    sha,
    files: new Map(
      Object.entries(files).map(([path, content]) => [path, content === null ? null : text(content)]),
    ),
  };
}

const LAYOUT: RepoLayout = { ...DEFAULT_LAYOUT, modelReferenceFiles: ['shopq/vertex_gemini_classifier.py'] };
const CLASSIFIER = (model: string) => `self.model = GenerativeModel("${model}")\n`;

const target = snapshot('a'.repeat(40), {
  'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v1'),
  'shopq/prompts/classifier_prompt.txt': PROMPT_V1,
  'shopq/vertex_gemini_classifier.py': CLASSIFIER('gemini-1.5-flash'),
  'VERSIONS.md': '# Versions\n\n- v1 stable\n',
  'shopq/app.py': 'print("v1")\n',
  'shopq/new_module.py': null,
});

function headWith(overrides: Record<string, string | null>): Snapshot {
  const files: Record<string, string | null> = {};
  for (const [path, content] of target.files) files[path] = read(content);
  return snapshot('b'.repeat(40), { ...files, ...overrides });
}

const AT = new Date('2026-11-27T10:15:42Z');
const INCIDENT = {
  incidentId: 'inc-42',
  triggerIds: ['otp_in_critical', 'critical_precision'],
  reason: 'OTP in critical',
};

function plan(head: Snapshot, changedPaths: string[]) {
  const decision = decideProcedure({ layout: LAYOUT, target, head, changedPaths });
  if (decision.procedure === 'none') throw new Error('nothing to plan');
  return planRevert({
    ...INCIDENT,
    layout: LAYOUT,
    decision: { ...decision, procedure: decision.procedure as Procedure },
    target,
    targetLabel: 'v1.2.0-stable',
    base: head,
    changedPaths,
    at: AT,
  });
}

describe('decideProcedure', () => {
  const cases: Array<[string, Record<string, string | null>, string[], string]> = [
    [
      'prompt only → A',
      {
        'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v2'),
        'shopq/prompts/classifier_prompt.txt': PROMPT_V2,
      },
      ['shopq/versioning.py', 'shopq/prompts/classifier_prompt.txt'],
      'A',
    ],
    [
      'prompt text changed, PROMPT_VERSION not bumped → A',
      { 'shopq/prompts/classifier_prompt.txt': PROMPT_V2 },
      ['shopq/prompts/classifier_prompt.txt'],
      'A',
    ],
    [
      'model only → B',
      {
        'shopq/versioning.py': versioning('gemini-2.0-flash', '2.0', 'v1'),
        'shopq/vertex_gemini_classifier.py': CLASSIFIER('gemini-2.0-flash'),
      },
      ['shopq/versioning.py', 'shopq/vertex_gemini_classifier.py'],
      'B',
    ],
    [
      'model and prompt → C',
      {
        'shopq/versioning.py': versioning('gemini-2.0-flash', '2.0', 'v2'),
        'shopq/prompts/classifier_prompt.txt': PROMPT_V2,
      },
      ['shopq/versioning.py', 'shopq/prompts/classifier_prompt.txt'],
      'C',
    ],
    [
      'prompt plus other code → C',
      { 'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v2'), 'shopq/app.py': 'print("v2")\n' },
      ['shopq/versioning.py', 'shopq/app.py'],
      'C',
    ],
    [
      'only VERSIONS.md changed → none',
      { 'VERSIONS.md': '# Versions\n\n- edited\n' },
      ['VERSIONS.md'],
      'none',
    ],
  ];
  it.each(cases)('%s', (_name, overrides, changed, expected) => {
    expect(
      decideProcedure({ layout: LAYOUT, target, head: headWith(overrides), changedPaths: changed }).procedure,
    ).toBe(expected);
  });

  it('names the other changed paths that force C', () => {
    const head = headWith({
      'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v2'),
      'shopq/app.py': 'x\n',
    });
    const decision = decideProcedure({
      layout: LAYOUT,
      target,
      head,
      changedPaths: ['shopq/versioning.py', 'shopq/app.py', 'VERSIONS.md'],
    });
    expect(decision.otherChangedPaths).toEqual(['shopq/app.py']);
    expect(decision.from.prompt).toBe('v2');
    expect(decision.to.prompt).toBe('v1');
  });

  it('refuses a missing version file with a named error', () => {
    const head = headWith({ 'shopq/versioning.py': null });
    expect(() => decideProcedure({ layout: LAYOUT, target, head, changedPaths: [] })).toThrow(
      VersionFileError,
    );
  });
});

describe('planRevert', () => {
  const headA = headWith({
    'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v2'),
    'shopq/prompts/classifier_prompt.txt': PROMPT_V2,
  });
  const changedA = ['shopq/versioning.py', 'shopq/prompts/classifier_prompt.txt'];

  it('A restores the prompt byte for byte, sets PROMPT_VERSION and appends one VERSIONS.md line', () => {
    const result = plan(headA, changedA);
    expect(result.procedure).toBe('A');
    const after = Object.fromEntries(result.changes.map((change) => [change.path, read(change.after)]));
    expect(after).toEqual({
      'shopq/prompts/classifier_prompt.txt': PROMPT_V1,
      'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v1'),
      'VERSIONS.md':
        '# Versions\n\n- v1 stable\n- 2026-11-27T10:15Z rollback inc-42 prompt v2 → v1 (procedure A): OTP in critical\n',
    });
    expect(result.branch).toBeNull();
    expect(result.pullRequest).toBeNull();
    expect(result.restoredPromptFiles).toEqual(['shopq/prompts/classifier_prompt.txt']);
  });

  it('A commit message: subject, blank line, body, trailers', () => {
    const lines = plan(headA, changedA).message.split('\n');
    expect(lines[0]).toBe('rollback: Revert prompt to v1 due to OTP in critical');
    expect(lines[1]).toBe('');
    const message = lines.join('\n');
    expect(message).toMatch(
      /\n\nRollback-Incident: inc-42\nRollback-Trigger: otp_in_critical, critical_precision\n$/,
    );
    expect(parseTrailers(message)).toEqual([
      { key: 'Rollback-Incident', value: 'inc-42' },
      { key: 'Rollback-Trigger', value: 'otp_in_critical, critical_precision' },
    ]);
    expect(message).toContain('Restored from v1.2.0-stable (aaaaaaaaaaaa)');
  });

  it('B restores MODEL_NAME/MODEL_VERSION and the model reference files, keeps the prompt', () => {
    const head = headWith({
      'shopq/versioning.py': versioning('gemini-2.0-flash', '2.0', 'v1'),
      'shopq/vertex_gemini_classifier.py': CLASSIFIER('gemini-2.0-flash'),
    });
    const result = plan(head, ['shopq/versioning.py', 'shopq/vertex_gemini_classifier.py']);
    expect(result.procedure).toBe('B');
    const after = Object.fromEntries(result.changes.map((change) => [change.path, read(change.after)]));
    expect(after['shopq/versioning.py']).toBe(versioning('gemini-1.5-flash', '1.5', 'v1'));
    expect(after['shopq/vertex_gemini_classifier.py']).toBe(CLASSIFIER('gemini-1.5-flash'));
    expect(after['shopq/prompts/classifier_prompt.txt']).toBeUndefined();
    expect(result.message.split('\n')[0]).toBe(
      'rollback: Revert model to gemini-1.5-flash due to OTP in critical',
    );
    expect(result.versionsLine).toBe(
      '- 2026-11-27T10:15Z rollback inc-42 model gemini-2.0-flash 2.0 → gemini-1.5-flash 1.5 (procedure B): OTP in critical',
    );
  });

  it('C restores every changed path (deleting files added since), keeps the log history, names a branch and a PR', () => {
    const head = headWith({
      'shopq/versioning.py': versioning('gemini-2.0-flash', '2.0', 'v2'),
      'shopq/prompts/classifier_prompt.txt': PROMPT_V2,
      'shopq/app.py': 'print("v2")\n',
      'shopq/new_module.py': 'added later\n',
      'VERSIONS.md': '# Versions\n\n- v1 stable\n- v2 shipped',
    });
    const changed = [
      'shopq/versioning.py',
      'shopq/prompts/classifier_prompt.txt',
      'shopq/app.py',
      'shopq/new_module.py',
      'VERSIONS.md',
    ];
    const result = plan(head, changed);
    expect(result.procedure).toBe('C');
    const after = Object.fromEntries(result.changes.map((change) => [change.path, read(change.after)]));
    expect(after).toEqual({
      'shopq/app.py': 'print("v1")\n',
      'shopq/new_module.py': null,
      'shopq/prompts/classifier_prompt.txt': PROMPT_V1,
      'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v1'),
      // No final newline before: one is added so the new line stands on its own.
      'VERSIONS.md': `# Versions\n\n- v1 stable\n- v2 shipped\n${result.versionsLine}\n`,
    });
    expect(result.branch).toBe('rollback/20261127-1015');
    expect(result.pullRequest?.title).toBe('rollback: Revert to v1.2.0-stable due to OTP in critical');
    expect(result.pullRequest?.body).toContain('shopq/app.py');
    expect(result.pullRequest?.body).toContain('`shopq/new_module.py` (deleted)');
  });

  it('creates VERSIONS.md when it is missing', () => {
    const head = headWith({
      ...Object.fromEntries(changedA.map((p) => [p, read(headA.files.get(p))])),
      'VERSIONS.md': null,
    });
    const log = plan(head, changedA).changes.find((change) => change.path === 'VERSIONS.md');
    expect(log?.before).toBeNull();
    expect(read(log?.after)).toBe(
      '# Versions\n\n- 2026-11-27T10:15Z rollback inc-42 prompt v2 → v1 (procedure A): OTP in critical\n',
    );
  });

  it('keeps a multi-line reason on one line in the subject and the log', () => {
    const decision = decideProcedure({ layout: LAYOUT, target, head: headA, changedPaths: changedA });
    const result = planRevert({
      ...INCIDENT,
      reason: 'OTP\nin critical\n\nRollback-Incident: other',
      layout: LAYOUT,
      decision: { ...decision, procedure: 'A' },
      target,
      targetLabel: 'v1.2.0-stable',
      base: headA,
      changedPaths: changedA,
      at: AT,
    });
    expect(result.message.split('\n')[0]).toBe(
      'rollback: Revert prompt to v1 due to OTP in critical Rollback-Incident: other',
    );
    expect(hasTrailer(result.message, 'Rollback-Incident', 'other')).toBe(false);
    expect(hasTrailer(result.message, 'Rollback-Incident', 'inc-42')).toBe(true);
  });

  it('rejects an empty incident, no triggers or an empty reason', () => {
    const decision = decideProcedure({ layout: LAYOUT, target, head: headA, changedPaths: changedA });
    const base = {
      layout: LAYOUT,
      decision: { ...decision, procedure: 'A' as const },
      target,
      targetLabel: 't',
      base: headA,
      changedPaths: changedA,
      at: AT,
    };
    expect(() => planRevert({ ...base, incidentId: '', triggerIds: ['x'], reason: 'r' })).toThrow(
      ValidationError,
    );
    expect(() => planRevert({ ...base, incidentId: 'i', triggerIds: [], reason: 'r' })).toThrow(/triggerIds/);
    expect(() => planRevert({ ...base, incidentId: 'i', triggerIds: ['x'], reason: '  ' })).toThrow(/reason/);
  });

  it('names the branch after the UTC minute', () => {
    expect(rollbackBranchName(new Date('2026-01-02T03:04:59.999Z'))).toBe('rollback/20260102-0304');
  });
});

describe('smokeCheck', () => {
  it('passes a sound plan and fails an empty restored prompt', () => {
    const head = headWith({
      'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v2'),
      'shopq/prompts/classifier_prompt.txt': PROMPT_V2,
    });
    const changed = ['shopq/versioning.py', 'shopq/prompts/classifier_prompt.txt'];
    expect(() => smokeCheck(plan(head, changed), LAYOUT, head)).not.toThrow();

    const emptyTarget = {
      ...target,
      files: new Map(target.files).set('shopq/prompts/classifier_prompt.txt', text(' \n')),
    };
    const decision = decideProcedure({ layout: LAYOUT, target: emptyTarget, head, changedPaths: changed });
    const bad = planRevert({
      ...INCIDENT,
      layout: LAYOUT,
      decision: { ...decision, procedure: 'A' },
      target: emptyTarget,
      targetLabel: 't',
      base: head,
      changedPaths: changed,
      at: AT,
    });
    expect(() => smokeCheck(bad, LAYOUT, head)).toThrow(SmokeCheckFailedError);
    expect(() => smokeCheck(bad, LAYOUT, head)).toThrow(/classifier_prompt.txt: restored prompt is empty/);
  });

  it('fails when the resulting version file does not name the promised version', () => {
    const head = headWith({ 'shopq/versioning.py': versioning('gemini-1.5-flash', '1.5', 'v2') });
    const result = plan(head, ['shopq/versioning.py']);
    const broken = {
      ...result,
      changes: result.changes.map((change) =>
        change.path === 'shopq/versioning.py'
          ? { ...change, after: text(versioning('gemini-1.5-flash', '1.5', 'v9')) }
          : change,
      ),
    };
    expect(() => smokeCheck(broken, LAYOUT, head)).toThrow(/expected gemini-1.5-flash 1.5 \/ prompt v1/);
  });
});

describe('trailers', () => {
  const message = 'rollback: x\n\nbody text\n\nRollback-Incident: inc-1\nRollback-Trigger: a,\n  b\n';
  it('finds an exact incident id, not a prefix', () => {
    expect(hasTrailer(message, 'rollback-incident', 'inc-1')).toBe(true);
    expect(hasTrailer(message.replace('inc-1', 'inc-10'), 'Rollback-Incident', 'inc-1')).toBe(false);
  });
  it('folds continuation lines and ignores a subject-only message', () => {
    expect(parseTrailers(message)[1]).toEqual({ key: 'Rollback-Trigger', value: 'a, b' });
    expect(parseTrailers('Rollback-Incident: inc-1')).toEqual([]);
  });
  it('ignores a last paragraph that is not all trailers', () => {
    expect(hasTrailer('s\n\nRollback-Incident: inc-1\nfree text', 'Rollback-Incident', 'inc-1')).toBe(false);
  });
});

describe('unifiedDiff', () => {
  it('shows changed lines with context, additions and deletions', () => {
    const diff = unifiedDiff([
      { path: 'p.txt', before: text('a\nb\nc\nd\ne\nf\ng\nh\n'), after: text('a\nb\nc\nd\nE\nf\ng\nh\n') },
      { path: 'new.txt', before: null, after: text('x\n') },
      { path: 'gone.txt', before: text('y'), after: null },
      { path: 'same.txt', before: text('s\n'), after: text('s\n') },
    ]);
    expect(diff).toBe(
      [
        '--- a/p.txt',
        '+++ b/p.txt',
        '@@ -2,7 +2,7 @@',
        ' b',
        ' c',
        ' d',
        '-e',
        '+E',
        ' f',
        ' g',
        ' h',
        '--- /dev/null',
        '+++ b/new.txt',
        '@@ -0,0 +1,1 @@',
        '+x',
        '--- a/gone.txt',
        '+++ /dev/null',
        '@@ -1,1 +0,0 @@',
        '-y',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
  });

  it('says "Binary files differ" for bytes that are not UTF-8', () => {
    expect(
      unifiedDiff([{ path: 'b.bin', before: new Uint8Array([0xff]), after: new Uint8Array([0xfe]) }]),
    ).toContain('Binary files differ');
  });
});
