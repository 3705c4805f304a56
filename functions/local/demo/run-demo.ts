import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DEFAULT_GITHUB_TOKEN_SECRET_NAME } from '../../../lib/rollback-sentinel-stack.ts';
import { DynamoDbIncidentStore } from '../../adapters/dynamodb-incident-store.ts';
import { runGit } from '../../adapters/git-cli.ts';
import { startWorkflowRollback } from '../../cli/rollback-workflow.ts';
import type { Incident } from '../../core/incident/incident.ts';
import { DEFAULT_POLICY } from '../../core/policy.ts';
import { readVersionFile } from '../../core/revert/version-file.ts';
import { describeVersion, type Version } from '../../core/version.ts';
import { HELD_BY_FILE, PENDING_APPROVALS_DIR } from '../control.ts';
import { type GitHubServerProcess, startGitHubServerProcess } from '../github-server-process.ts';
import { signedPostJson } from '../signed-fetch.ts';
import { HEALTHY, type SimulatedBehaviour, seededRandom, simulateTraffic } from '../simulator.ts';
import { type LocalNotification, type LocalStack, startLocalStack } from '../stack/local-stack.ts';
import { LOCAL_REGION } from '../stack/physical.ts';
import type { TransitionEvent } from '../state-machine/index.ts';
import { createDemoAppRepo, readDeployedHead } from './app-repo.ts';
import { SimulatedClock } from './sim-clock.ts';

export interface DemoOptions {
  /** Keep the demo's files here (default: a fresh temporary directory). */
  dir?: string;
  /** One line per step of the story, with wall and simulated time. */
  log: (line: string) => void;
  /** Wall milliseconds per simulated minute (default 20: a day of verification in about 30 s). */
  msPerSimMinute?: number;
  /**
   * `otp` (default): prompt v2 lets OTP emails into critical, an automatic trigger.
   * `drift`: prompt v2 shifts the class distribution by > 10 pp, a manual trigger that waits for approval.
   */
  scenario?: DemoScenario;
  /**
   * For a manual trigger: approve after a few simulated minutes through the same answerApproval
   * path `sentinel approve` uses (default true). False waits for `sentinel approve ID --state-dir DIR/state`.
   */
  autoApprove?: boolean;
}

export type DemoScenario = 'otp' | 'drift' | 'manual';
export const DEMO_SCENARIOS: readonly DemoScenario[] = ['otp', 'drift', 'manual'];

/** Simulated minutes the demo's stand-in approver takes to answer. */
const AUTO_APPROVE_AFTER_MS = 12 * 60_000;

/** The JSON summary of `sentinel demo --json`; fields a run did not produce are null, never invented. */
export interface DemoSummary {
  incidentId: string | null;
  triggers: string[];
  fromVersion: Version | null;
  toVersion: Version | null;
  procedure: string | null;
  commit: string | null;
  outcome: string | null;
  rcaPath: string | null;
  detectionToCommitMs: number | null;
  dir: string;
}

const SIM_START = Date.parse('2026-11-27T09:00:00Z');
const EMAILS_PER_MINUTE = 7;
/** Healthy v1 history before the bad deploy: enough for baselines and the RCA chart's context. */
const HISTORY_HOURS = 6;
const DEPLOY_PIPELINE_MINUTES = 3;
/** Prompt v2 lets one-time-password emails into `critical`: the bug the demo catches. */
const BAD_PROMPT: SimulatedBehaviour = {
  ...HEALTHY,
  shares: { critical: 0.2, time_sensitive: 0.24, routine: 0.56 },
  otpInCriticalShare: 0.3,
};
/** Prompt v2 of the drift scenario: no OTP bug, but the class shares move by 15 pp. */
const DRIFTING_PROMPT: SimulatedBehaviour = {
  ...HEALTHY,
  shares: { critical: 0.3, time_sensitive: 0.2, routine: 0.5 },
};
/** The manual scenario: nothing Sentinel measures is wrong with v2; a person rolls it back anyway. */
const BAD_BEHAVIOUR: Record<DemoScenario, SimulatedBehaviour> = {
  otp: BAD_PROMPT,
  drift: DRIFTING_PROMPT,
  manual: HEALTHY,
};
/** Simulated minutes after v2 goes live when the demo's operator asks for a rollback. */
const MANUAL_REQUEST_AFTER_MS = 10 * 60_000;
/** A guard against a hung run, not the target (well under a minute on an idle machine). */
const DEMO_TIMEOUT_MS = 240_000;

/**
 * The end-to-end demo on the embedded defaults: a ShopQ-like repository whose prompt v2 is bad,
 * a simulated classifier that behaves according to the deployed version, a deploy watcher that
 * deploys the head of `main`, and Sentinel itself — ingest handler, evaluator, dispatcher and the
 * synthesized state machine — all in this process on dynalite and a local Git repository.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'sentinel-demo-'));
  await mkdir(dir, { recursive: true });
  for (const part of ['app', 'app.git', 'state', 'notifications', 'rca'])
    await rm(join(dir, part), { recursive: true, force: true });
  const msPerSimMinute = options.msPerSimMinute ?? 20;
  const factor = 60_000 / msPerSimMinute;
  const appDir = join(dir, 'app');
  await createDemoAppRepo(appDir, new Date(SIM_START));
  const clock = new SimulatedClock(SIM_START, factor);
  const scenario = options.scenario ?? 'otp';
  const say = (text: string) => {
    const sim = clock.now().toISOString().slice(5, 16).replace('T', ' ');
    options.log(`[${(clock.elapsedRealMs() / 1000).toFixed(1).padStart(5)}s | sim ${sim}] ${text}`);
  };
  const githubToken = `demo-${randomUUID()}`;
  // GitHub holds the repository (app.git); `app` is a clone of it that pulls the rollback at the end.
  const remoteDir = join(dir, 'app.git');
  await rm(remoteDir, { recursive: true, force: true });
  await runGit(dir, ['clone', '-q', '--bare', appDir, remoteDir]);
  await runGit(appDir, ['remote', 'add', 'origin', remoteDir]);
  const github = await startGitHubServerProcess({
    gitDir: remoteDir,
    owner: DEMO_REPOSITORY.split('/')[0],
    repo: DEMO_REPOSITORY.split('/')[1],
    token: githubToken,
  });
  const marks: { detectedAt?: number; committedAt?: number } = {};
  const notifications = new NotificationFiles(join(dir, 'notifications'), (topic, subject) =>
    say(`✉ ${topic}: ${subject}`),
  );
  say('synthesizing the CDK stack and standing it up locally');
  const stack = await clock.frozen(() =>
    startStackOrStop(github, {
      context: {
        repository: DEMO_REPOSITORY,
        githubApiUrl: github.baseUrl,
        // At the demo's speed-up a busy machine stretches simulated time; a roomier deploy deadline
        // keeps a slow tick from reading as a deploy that never came.
        policy: JSON.stringify(DEMO_POLICY),
      },
      stateDir: join(dir, 'state'),
      clock: clock.shared,
      now: () => clock.now().getTime(),
      waitScale: 1 / factor,
      externalSecrets: { [DEFAULT_GITHUB_TOKEN_SECRET_NAME]: githubToken },
      aroundTask: (work) => clock.frozen(work),
      onNotification: (notification) => notifications.write(notification),
      onTransition: (executionName, event) => {
        if (event.kind === 'execution' && event.phase === 'started') {
          marks.detectedAt ??= clock.elapsedRealMs();
          say(`▶ execution ${executionName} started`);
        }
        describeTransition(event, say, marks, clock);
      },
      onDenied: (message) => say(`✗ denied: ${message}`),
    }),
  );
  await writeFile(join(dir, 'state', HELD_BY_FILE), `${JSON.stringify({ pid: process.pid })}\n`);
  try {
    for (const line of describeEndpoints(stack, github.baseUrl)) say(line);
    const classifierCredentials = stack.addClassifier('shopq-classifier');
    const ingestUrl = stack.functionUrl('Ingestion/IngestFunction');
    const ingest = async (events: readonly unknown[], batchId: string) => {
      const answer = await signedPostJson(ingestUrl, { batchId, events }, classifierCredentials);
      if (answer.status !== 200)
        throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    };

    say('history: six hours of prompt v1 traffic (healthy), GDS reports for v1 and v2');
    await clock.frozen(async () => {
      const history = seedHistory();
      for (let index = 0; index < history.length; index += 1_000)
        await ingest(history.slice(index, index + 1_000), `demo-history-${index}`);
    });

    // The other functions start now, while the bad version deploys, rather than competing with the
    // history's ingest for the CPU.
    stack.warm();
    const classifier = new SimulatedClassifier(github.gitDir, clock, BAD_BEHAVIOUR[scenario]);
    const approver = new DemoApprover(
      notifications,
      join(dir, 'state'),
      options.autoApprove ?? true,
      say,
      clock,
    );
    await classifier.deployHead(say, true);
    const operator = scenario === 'manual' ? new DemoOperator(stack, clock, say) : undefined;
    let lastTick = clock.now().getTime();
    let tick = 0;
    const started = () => [...stack.stepFunctions.executions.values()][0];
    while (!started()?.result) {
      if (clock.elapsedRealMs() > DEMO_TIMEOUT_MS + approver.waitedForPeopleMs())
        throw new Error(`the demo did not finish within ${DEMO_TIMEOUT_MS / 60_000} minutes`);
      await sleep(msPerSimMinute * 5);
      clock.capAdvance(msPerSimMinute * 10);
      const now = clock.now().getTime();
      await classifier.deployHead(say);
      const events = classifier.traffic(lastTick, now);
      lastTick = now;
      tick += 1;
      await clock.frozen(async () => {
        if (events.length > 0) await ingest(events, `live-${tick}`);
        // EventBridge's schedule fires every minute; the demo's loop runs every five simulated minutes.
        if (tick % 2 === 0) await stack.tick();
        await stack.evaluateAlarms();
        await approver.poll();
        await operator?.poll();
      });
    }
    const [result] = await stack.stepFunctions.settled();
    if (!result) throw new Error('no execution ran');
    say(`■ execution ${result.executionName}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
    const [incident] = await new DynamoDbIncidentStore(stack.documents, stack.tableName).list(1);
    await runGit(appDir, ['pull', '-q', '--ff-only', 'origin', 'main']);
    say(`inspect it: sentinel incidents --state-dir ${join(dir, 'state')}`);
    return await summarise(dir, incident, marks);
  } finally {
    await rm(join(dir, 'state', HELD_BY_FILE), { force: true });
    await stack.close();
    await github.stop();
  }
}

/**
 * The manual scenario's person on call: ten simulated minutes after v2 is live they run what
 * `sentinel rollback --stack` runs — StartExecution of the stack's state machine with decision
 * manual — through the local Step Functions API, under an operator role allowed exactly that.
 */
class DemoOperator {
  private readonly since: number;
  private asked = false;

  constructor(
    private readonly stack: LocalStack,
    private readonly clock: SimulatedClock,
    private readonly say: (text: string) => void,
  ) {
    this.since = clock.now().getTime();
  }

  async poll(): Promise<void> {
    if (this.asked || this.clock.now().getTime() - this.since < MANUAL_REQUEST_AFTER_MS) return;
    this.asked = true;
    const credentials = this.stack.addCaller('demo-operator', [
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: this.stack.stateMachineArn },
    ]);
    const started = await startWorkflowRollback({
      service: DEFAULT_POLICY.service,
      version: { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' },
      by: 'demo-operator',
      reason: 'customers report odd priorities since prompt v2',
      now: this.clock.now(),
      target: { stateMachineArn: this.stack.stateMachineArn },
      sfn: new SFNClient({ endpoint: this.stack.endpoints.aws, region: LOCAL_REGION, credentials }),
    });
    this.say(
      `☎ operator: sentinel rollback --stack … --reason "customers report odd priorities since prompt v2" → ${started.incidentId}`,
    );
  }
}

/** Starts the local stack; if it cannot start, the GitHub server started before it stops too. */
async function startStackOrStop(
  github: GitHubServerProcess,
  options: Parameters<typeof startLocalStack>[0],
): Promise<LocalStack> {
  try {
    return await startLocalStack(options);
  } catch (error) {
    await github.stop();
    throw error;
  }
}

/** The demo's application repository, as `-c repository` names it for a deploy. */
const DEMO_REPOSITORY = 'shopq/classifier';
const DEMO_POLICY = { workflow: { deployTimeout: '2h' } };

function describeEndpoints(stack: LocalStack, githubUrl: string): string[] {
  return [
    `local AWS gateway ${stack.endpoints.aws} (SNS, CloudWatch + alarms, Step Functions, Secrets Manager, DynamoDB → dynalite ${stack.endpoints.dynamodb}); IAM from the template`,
    `function URLs ${stack.endpoints.functionUrls}; GitHub API ${githubUrl}; ${stack.functions.length} Lambdas run through their cloud entries`,
  ];
}

/** Messages the local SNS delivered, one JSON line each in `<dir>/<topic>.jsonl` (alerts, pages). */
class NotificationFiles {
  readonly sent: { topic: string; subject: string; body: string }[] = [];
  constructor(
    private readonly directory: string,
    private readonly echo: (topic: string, subject: string) => void,
  ) {}

  write(notification: LocalNotification): void {
    const topic = /pages/i.test(notification.topicArn) ? 'pages' : 'alerts';
    const record = {
      topic,
      subject: notification.subject ?? '',
      body: notification.message,
      attributes: notification.attributes,
      publisher: notification.publisher,
    };
    this.sent.push(record);
    mkdirSync(this.directory, { recursive: true });
    appendFileSync(join(this.directory, `${topic}.jsonl`), `${JSON.stringify(record)}\n`);
    this.echo(topic, record.subject);
  }
}

async function summarise(
  dir: string,
  incident: Incident | undefined,
  marks: { detectedAt?: number; committedAt?: number },
): Promise<DemoSummary> {
  let rcaPath: string | null = null;
  if (incident?.rca) {
    await mkdir(join(dir, 'rca'), { recursive: true });
    rcaPath = join(dir, 'rca', `${incident.id}.md`);
    await writeFile(rcaPath, incident.rca.markdown);
    await writeFile(join(dir, 'rca', incident.rca.chartFile), incident.rca.chartSvg);
  }
  return {
    incidentId: incident?.id ?? null,
    triggers: incident?.triggers.map((trigger) => trigger.id) ?? [],
    fromVersion: incident?.version ?? null,
    toVersion: incident?.target?.version ?? null,
    procedure: incident?.target?.procedure ?? null,
    commit: incident?.revert?.sha ?? null,
    outcome: incident?.outcome ?? incident?.status ?? null,
    rcaPath,
    detectionToCommitMs:
      marks.detectedAt !== undefined && marks.committedAt !== undefined
        ? marks.committedAt - marks.detectedAt
        : null,
    dir,
  };
}

/** The deploy poll loop repeats two states many times; the story shows it once. */
const POLL_LOOP = new Set(['CheckDeploy', 'WaitBeforeDeployCheck']);
let lastLoopState: string | undefined;

function describeTransition(
  event: TransitionEvent,
  say: (text: string) => void,
  marks: { committedAt?: number },
  clock: SimulatedClock,
): void {
  if (event.kind !== 'state' || event.stateType === 'Choice') return;
  if (event.phase === 'entered') {
    const inLoop = POLL_LOOP.has(event.stateName);
    if (inLoop && lastLoopState !== undefined) return;
    lastLoopState = inLoop ? event.stateName : undefined;
  }
  if (event.phase === 'entered' && event.stateType !== 'Wait') say(`  → ${event.stateName}`);
  if (event.phase === 'entered' && event.stateType === 'Wait') say(`  ⏸ ${event.stateName}`);
  if (event.phase === 'failed' || event.phase === 'caught')
    say(`  ✗ ${event.stateName}: ${event.error ?? ''}`);
  if (event.phase === 'exited' && event.stateName === 'RevertCommit') {
    marks.committedAt ??= clock.elapsedRealMs();
    const output = event.output as { revert?: { sha?: string; branch?: string } } | undefined;
    say(
      `  ✔ rollback commit ${output?.revert?.sha?.slice(0, 12) ?? ''} on ${output?.revert?.branch ?? 'main'}`,
    );
  }
  if (event.phase === 'exited' && event.stateName.startsWith('Verify')) {
    const key = `verify${event.stateName.slice('Verify'.length)}`;
    const output = event.output as Record<string, { outcome?: string }> | undefined;
    say(`  ✔ ${event.stateName}: ${output?.[key]?.outcome ?? '?'}`);
  }
}

/** Plays the deploy pipeline (head of `main`, a few minutes after a commit) and the classifier. */
class SimulatedClassifier {
  private liveVersion: Version | undefined;
  private deployedSha: string | undefined;
  private pending: { sha: string; version: Version; at: number } | undefined;
  private readonly random = seededRandom(7);
  private sequence = 0;
  private gdsPostedFor = new Set<string>();
  private liveSince = 0;

  constructor(
    private readonly appDir: string,
    private readonly clock: SimulatedClock,
    private readonly badBehaviour: SimulatedBehaviour,
  ) {}

  async deployHead(say: (text: string) => void, immediately = false): Promise<void> {
    const head = await readDeployedHead(this.appDir);
    const now = this.clock.now().getTime();
    if (head.sha !== this.deployedSha && head.sha !== this.pending?.sha) {
      const version = readVersionFile('shopq/versioning.py', head.versioningPy);
      this.pending = {
        sha: head.sha,
        version,
        at: immediately ? now : now + DEPLOY_PIPELINE_MINUTES * 60_000,
      };
      if (!immediately)
        say(`deploy pipeline: picked up ${head.sha.slice(0, 12)} (${describeVersion(version)})`);
    }
    if (this.pending && this.pending.at <= now) {
      this.deployedSha = this.pending.sha;
      this.liveVersion = this.pending.version;
      this.liveSince = now;
      this.pending = undefined;
      say(`deploy: ${describeVersion(this.liveVersion)} is live (${this.deployedSha.slice(0, 12)})`);
    }
  }

  /** Events for `(from, to]` from the live version, and a GDS run an hour after each deploy. */
  traffic(from: number, to: number): Record<string, unknown>[] {
    const version = this.liveVersion;
    if (!version) return [];
    const behaviour = version.prompt === 'v2' ? this.badBehaviour : HEALTHY;
    this.sequence += 1;
    const prefix = `live-${this.sequence}`;
    const events = [
      ...simulateTraffic({
        version,
        behaviour,
        from,
        to,
        emailsPerMinute: EMAILS_PER_MINUTE,
        idPrefix: prefix,
        random: this.random,
      }),
    ];
    const key = JSON.stringify(version);
    if (!this.gdsPostedFor.has(key) && to - this.liveSince >= 60 * 60_000 && version.prompt !== 'v2') {
      this.gdsPostedFor.add(key);
      events.push(gdsReport(`gds-after-deploy-${prefix}`, to, version, { tp: 174, fp: 5, fn: 19 }));
    }
    return events;
  }
}

function gdsReport(
  id: string,
  ts: number,
  version: Version,
  critical: { tp: number; fp: number; fn: number },
) {
  return { type: 'gds_report', id, ts: new Date(ts).toISOString(), version, dataset: 'gds-1', critical };
}

/** Six hours of healthy v1 traffic and the GDS reports, sent through the ingest URL like live traffic. */
function seedHistory(): Record<string, unknown>[] {
  const v1 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
  const v2 = { ...v1, prompt: 'v2' };
  return [
    ...simulateTraffic({
      version: v1,
      behaviour: HEALTHY,
      from: SIM_START - HISTORY_HOURS * 3_600_000,
      to: SIM_START - 5 * 60_000,
      emailsPerMinute: EMAILS_PER_MINUTE,
      idPrefix: 'history',
      random: seededRandom(1),
    }),
    gdsReport('gds-v1-baseline', SIM_START - 3 * 86_400_000, v1, { tp: 174, fp: 5, fn: 19 }),
    // The v2 prompt passed the golden set: the OTP regression only shows on live traffic.
    gdsReport('gds-v2-predeploy', SIM_START - 3 * 3_600_000, v2, { tp: 172, fp: 7, fn: 21 }),
  ];
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Answers approval requests for the demo the way a person would: it follows the signed link in
 * the approval email — GET shows the confirmation page, POST answers — so the approval Lambda
 * records the answer and resumes the execution through Step Functions' SendTaskSuccess. The
 * answer comes from the stand-in approver (after a few simulated minutes) or from
 * `sentinel approve|reject` in another terminal, which leaves it in
 * `<state>/pending-approvals/<id>.json` while the demo holds the store.
 */
class DemoApprover {
  private readonly answered = new Set<string>();
  private waitingSince: number | undefined;
  private waited = 0;

  constructor(
    private readonly notifications: NotificationFiles,
    private readonly stateDir: string,
    private readonly autoApprove: boolean,
    private readonly say: (text: string) => void,
    private readonly clock: SimulatedClock,
  ) {}

  /** Wall time spent waiting for a person (not counted against the demo's time limit). */
  waitedForPeopleMs(): number {
    return this.waited + (this.waitingSince === undefined ? 0 : Date.now() - this.waitingSince);
  }

  async poll(): Promise<void> {
    const requests = this.notifications.sent
      .map((message) => ({ message, links: approvalLinks(message.body) }))
      .filter(({ links }) => links !== undefined && !this.answered.has(links.incidentId));
    for (const { message, links } of requests) {
      if (!links) continue;
      if (this.waitingSince === undefined) {
        this.waitingSince = Date.now();
        this.say(
          this.autoApprove
            ? `⌛ waiting for approval of ${links.incidentId}; the demo's stand-in approver answers in ${AUTO_APPROVE_AFTER_MS / 60_000} simulated minutes`
            : `⌛ waiting for approval: sentinel approve ${links.incidentId} --by NAME --state-dir ${this.stateDir}`,
        );
      }
      const fromCli = await this.answerFromCli(links.incidentId);
      const requestedAt = (message as { at?: number }).at ?? this.clock.now().getTime();
      (message as { at?: number }).at = requestedAt;
      const due = this.autoApprove && this.clock.now().getTime() - requestedAt >= AUTO_APPROVE_AFTER_MS;
      const approve = fromCli ?? (due ? true : undefined);
      if (approve === undefined) continue;
      const link = approve ? links.approve : links.reject;
      const page = await fetch(link);
      if (page.status !== 200) throw new Error(`the approval link answered ${page.status}`);
      const form = new URLSearchParams(new URL(link).searchParams);
      const answer = await fetch(link.split('?')[0] ?? link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      if (answer.status !== 200) throw new Error(`the approval endpoint answered ${answer.status}`);
      this.answered.add(links.incidentId);
      this.waited += Date.now() - (this.waitingSince ?? Date.now());
      this.waitingSince = undefined;
      this.say(
        `✔ ${approve ? 'approved' : 'rejected'} through the signed link (${fromCli === undefined ? 'demo stand-in' : 'sentinel approve'})`,
      );
    }
  }

  private async answerFromCli(incidentId: string): Promise<boolean | undefined> {
    const folder = join(this.stateDir, PENDING_APPROVALS_DIR);
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const name = `${incidentId}.json`;
    if (!names.includes(name)) return undefined;
    const path = join(folder, name);
    const answer = JSON.parse(await readFile(path, 'utf8')) as { approved?: unknown };
    await rename(path, `${path}.taken`);
    return answer.approved === true;
  }
}

/** The signed approve/reject links of an approval request email, if it is one. */
function approvalLinks(body: string): { incidentId: string; approve: string; reject: string } | undefined {
  const approve = /Approve:\s+(\S+)/.exec(body)?.[1];
  const reject = /Reject:\s+(\S+)/.exec(body)?.[1];
  if (!approve || !reject) return undefined;
  const incidentId = new URL(approve).searchParams.get('incident');
  return incidentId ? { incidentId, approve, reject } : undefined;
}
