import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { FileNotifier } from '../../adapters/file-notifier.ts';
import { LocalGitRepo } from '../../adapters/local-git-repo.ts';
import { logger } from '../../commons/logger.ts';
import type { WorkflowDeps } from '../../commons/workflow-deps.ts';
import { aggregateEvents, emptyAggregate } from '../../core/aggregate.ts';
import { parseEvent, type SentinelEvent } from '../../core/events.ts';
import type { Incident } from '../../core/incident/incident.ts';
import { parsePolicy } from '../../core/policy.ts';
import { readVersionFile } from '../../core/revert/version-file.ts';
import { describeVersion, type Version } from '../../core/version.ts';
import { type ApprovalAnswer, answerApproval } from '../../core/workflow/approval.ts';
import { makeEvaluatorHandler } from '../../handlers/evaluator.ts';
import { makeIngestHandler } from '../../handlers/ingest.ts';
import { HELD_BY_FILE, localControl, PENDING_APPROVALS_DIR } from '../control.ts';
import { openLocalStore } from '../local-store.ts';
import { HEALTHY, type SimulatedBehaviour, seededRandom, simulateTraffic } from '../simulator.ts';
import {
  loadDefinition,
  runWorkflow,
  type TaskContext,
  type TaskHandler,
  type TransitionEvent,
  type WorkflowExecution,
  type WorkflowResult,
} from '../state-machine/index.ts';
import { LocalWorkflowStarter } from '../workflow-starter.ts';
import { createDemoAppRepo, readDeployedHead } from './app-repo.ts';
import { localStepHandlers } from './local-workflow.ts';
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

export type DemoScenario = 'otp' | 'drift';
export const DEMO_SCENARIOS: readonly DemoScenario[] = ['otp', 'drift'];

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
const BAD_BEHAVIOUR: Record<DemoScenario, SimulatedBehaviour> = { otp: BAD_PROMPT, drift: DRIFTING_PROMPT };
const DEMO_TIMEOUT_MS = 120_000;

/**
 * The end-to-end demo on the embedded defaults: a ShopQ-like repository whose prompt v2 is bad,
 * a simulated classifier that behaves according to the deployed version, a deploy watcher that
 * deploys the head of `main`, and Sentinel itself — ingest handler, evaluator, dispatcher and the
 * synthesized state machine — all in this process on dynalite and a local Git repository.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'sentinel-demo-'));
  await mkdir(dir, { recursive: true });
  for (const part of ['app', 'state', 'notifications', 'rca'])
    await rm(join(dir, part), { recursive: true, force: true });
  // The story is told by `log`; the handlers' structured logs would drown it.
  logger.setLogLevel('WARN');
  const msPerSimMinute = options.msPerSimMinute ?? 20;
  const factor = 60_000 / msPerSimMinute;
  // At the demo's speed-up a busy machine stretches simulated time; a roomier deploy deadline
  // keeps a slow tick from reading as a deploy that never came.
  const policy = parsePolicy({ workflow: { deployTimeout: '2h' } }, 'demo policy');
  const appDir = join(dir, 'app');
  await createDemoAppRepo(appDir, new Date(SIM_START));
  const local = await openLocalStore(join(dir, 'state'), policy);
  const clock = new SimulatedClock(SIM_START, factor);
  const scenario = options.scenario ?? 'otp';
  const { control, notificationLog } = localControl(local, clock);
  await writeFile(join(dir, 'state', HELD_BY_FILE), `${JSON.stringify({ pid: process.pid })}\n`);
  const say = (text: string) => {
    const sim = clock.now().toISOString().slice(5, 16).replace('T', ' ');
    options.log(`[${(clock.elapsedRealMs() / 1000).toFixed(1).padStart(5)}s | sim ${sim}] ${text}`);
  };
  try {
    const notifier = new FileNotifier(join(dir, 'notifications'), (message) =>
      say(`✉ ${message.topic}: ${message.subject}`),
    );
    const repo = new LocalGitRepo(appDir, {
      defaultBranch: 'main',
      onWarning: (message) => say(`git: ${message}`),
    });
    const deps: WorkflowDeps = {
      incidents: local.incidents,
      metrics: local.store,
      notifier,
      clock,
      policy,
      repo: async () => repo,
      control,
      versions: local.versions,
    };
    say('synthesizing the CDK stack for the rollback state machine definition');
    const definition = await clock.frozen(async () => loadDefinition());
    const marks: { detectedAt?: number; committedAt?: number } = {};
    const results: Promise<WorkflowResult>[] = [];
    const executions: WorkflowExecution[] = [];
    const starter = new LocalWorkflowStarter(async (name, input) => {
      marks.detectedAt ??= clock.elapsedRealMs();
      say(`▶ execution ${name} started`);
      const execution = runWorkflow({
        definition,
        input,
        executionName: name,
        stepHandlers: frozenWhileRunning(localStepHandlers(deps), clock, holdUntilFirstStep(clock)),
        waitScale: 1 / factor,
        onTransition: (event) => describeTransition(event, say, marks, clock),
      });
      results.push(execution.result);
      executions.push(execution);
      return execution.result;
    });
    const ingest = makeIngestHandler({ store: local.store, policy, clock });
    const evaluator = makeEvaluatorHandler(() => ({ ...deps, notificationLog, workflow: starter }));

    say('history: one day of prompt v1 traffic (healthy), GDS reports for v1 and v2');
    await clock.frozen(() => seedHistory(local.store));

    const classifier = new SimulatedClassifier(appDir, clock, BAD_BEHAVIOUR[scenario]);
    const approver = new DemoApprover(deps, executions, join(dir, 'state'), options.autoApprove ?? true, say);
    await classifier.deployHead(say, true);
    let lastTick = clock.now().getTime();
    let tick = 0;
    while (results.length === 0 || !(await settled(results[0]))) {
      if (clock.elapsedRealMs() > DEMO_TIMEOUT_MS + approver.waitedForPeopleMs())
        throw new Error('the demo did not finish within two minutes');
      await sleep(msPerSimMinute * 5);
      const now = clock.now().getTime();
      await classifier.deployHead(say);
      const events = classifier.traffic(lastTick, now);
      lastTick = now;
      if (events.length > 0) await ingest(functionUrlEvent(events));
      tick += 1;
      if (tick % 2 === 0) await evaluator();
      await clock.frozen(() => approver.poll());
    }
    const result = await (results[0] as Promise<WorkflowResult>);
    say(`■ execution ${result.executionName}: ${result.status}${result.error ? ` (${result.error})` : ''}`);
    const [incident] = await local.incidents.list(1);
    return await summarise(dir, incident, marks);
  } finally {
    await rm(join(dir, 'state', HELD_BY_FILE), { force: true });
    await local.close();
  }
}

async function settled(promise: Promise<unknown> | undefined): Promise<boolean> {
  if (!promise) return false;
  return Promise.race([promise.then(() => true), sleep(0).then(() => false)]);
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

function frozenWhileRunning(
  handlers: Record<string, TaskHandler>,
  clock: SimulatedClock,
  onStep: () => void,
): Record<string, TaskHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([step, handler]) => [
      step,
      (payload: unknown, context: TaskContext) =>
        clock.frozen(async () => {
          onStep();
          return handler(payload, context);
        }),
    ]),
  );
}

/**
 * Stops simulated time from the start of an execution until its first step runs: the local
 * runner's start-up is the demo's overhead, not time the workflow would take. Returns the release.
 */
function holdUntilFirstStep(clock: SimulatedClock): () => void {
  let release: () => void = () => undefined;
  void clock.frozen(() => new Promise<void>((resolve) => (release = resolve)));
  return () => release();
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

async function seedHistory(store: WorkflowDeps['metrics']): Promise<void> {
  const v1 = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v1' };
  const v2 = { ...v1, prompt: 'v2' };
  const raw = [
    ...simulateTraffic({
      version: v1,
      behaviour: HEALTHY,
      from: SIM_START - 24 * 3_600_000,
      to: SIM_START - 5 * 60_000,
      emailsPerMinute: EMAILS_PER_MINUTE,
      idPrefix: 'history',
      random: seededRandom(1),
    }),
    gdsReport('gds-v1-baseline', SIM_START - 3 * 86_400_000, v1, { tp: 174, fp: 5, fn: 19 }),
    // The v2 prompt passed the golden set: the OTP regression only shows on live traffic.
    gdsReport('gds-v2-predeploy', SIM_START - 3 * 3_600_000, v2, { tp: 172, fp: 7, fn: 21 }),
  ];
  const events: SentinelEvent[] = [];
  raw.forEach((value, index) => {
    const parsed = parseEvent(value, index);
    if (parsed.ok) events.push(parsed.event);
  });
  await store.applyBatch('demo-history', aggregateEvents(events, emptyAggregate()));
}

function functionUrlEvent(events: readonly unknown[]): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/' } },
    body: JSON.stringify(events),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Answers approval requests for the demo: the local state machine runs in this process, so the
 * answer must reach it here. Every answer goes through `answerApproval` (the record's single-use
 * check), then `execution.sendTaskSuccess`. Answers come from the stand-in approver (after a few
 * simulated minutes) or from `sentinel approve|reject` in another terminal, which cannot open the
 * store this process holds and leaves its answer in `<state>/pending-approvals/<id>.json`.
 */
class DemoApprover {
  private announced = new Set<string>();
  private waitingSince: number | undefined;
  private waited = 0;

  constructor(
    private readonly deps: WorkflowDeps,
    private readonly executions: WorkflowExecution[],
    private readonly stateDir: string,
    private readonly autoApprove: boolean,
    private readonly say: (text: string) => void,
  ) {}

  /** Wall time spent waiting for a person (not counted against the demo's time limit). */
  waitedForPeopleMs(): number {
    return this.waited + (this.waitingSince === undefined ? 0 : Date.now() - this.waitingSince);
  }

  async poll(): Promise<void> {
    const waiting = (await this.deps.incidents.list(5)).filter(
      (incident) =>
        incident.status === 'awaiting_approval' && incident.approval && !incident.approval.decidedAt,
    );
    if (waiting.length === 0 && this.waitingSince !== undefined) {
      this.waited += Date.now() - this.waitingSince;
      this.waitingSince = undefined;
    }
    for (const incident of waiting) {
      if (!this.announced.has(incident.id)) {
        this.announced.add(incident.id);
        this.say(
          this.autoApprove
            ? `⌛ waiting for approval of ${incident.id}; the demo's stand-in approver answers in ${AUTO_APPROVE_AFTER_MS / 60_000} simulated minutes`
            : `⌛ waiting for approval: sentinel approve ${incident.id} --by NAME --state-dir ${this.stateDir}`,
        );
        if (!this.autoApprove) this.waitingSince = Date.now();
      }
      const fromCli = await this.answerFromCli(incident.id);
      const requestedAt = Date.parse(incident.approval?.requestedAt ?? '');
      const due = this.autoApprove && this.deps.clock.now().getTime() - requestedAt >= AUTO_APPROVE_AFTER_MS;
      const answer: ApprovalAnswer | undefined =
        fromCli ??
        (due
          ? {
              approved: true,
              by: 'demo-approver',
              note: 'approved by the demo stand-in (--no-auto-approve to answer yourself)',
            }
          : undefined);
      if (!answer) continue;
      const { taskToken } = await answerApproval(this.deps, incident.id, answer);
      const execution = this.executions.find(
        (candidate) => candidate.executionName === incident.executionName,
      );
      if (!execution) throw new Error(`no running execution ${incident.executionName} to resume`);
      execution.sendTaskSuccess(taskToken, answer);
      this.say(
        `✔ ${answer.approved ? 'approved' : 'rejected'} by ${answer.by}${answer.note ? ` (${answer.note})` : ''}`,
      );
    }
  }

  private async answerFromCli(incidentId: string): Promise<ApprovalAnswer | undefined> {
    const folder = join(this.stateDir, PENDING_APPROVALS_DIR);
    const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    const name = `${incidentId}.json`;
    if (!names.includes(name)) return undefined;
    const path = join(folder, name);
    const answer = JSON.parse(await readFile(path, 'utf8')) as ApprovalAnswer;
    await rename(path, `${path}.taken`);
    return { approved: answer.approved === true, by: String(answer.by), note: String(answer.note ?? '') };
  }
}
