/**
 * The synthesized stack on this machine: every Lambda runs through its cloud entry in its own
 * worker with exactly its template environment, against the local gateway that enforces its
 * role's statements. Altering the template (one variable, one grant) breaks the local run the
 * way it would break in AWS, naming the function and what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../functions/local/stack/local-stack.ts';
import type { CfnTemplate } from '../../functions/local/stack/synth.ts';
import { classification, postToIngest } from '../support/classifier.ts';
import { MISSING_INCIDENT_STATE as STATE } from '../support/missing-incident.ts';

const CONTEXT = { repository: 'shopq/classifier' };

function functionOf(template: CfnTemplate, pathPart: string): Record<string, unknown> {
  const [, resource] =
    Object.entries(template.Resources).find(
      ([id, candidate]) => candidate.Type === 'AWS::Lambda::Function' && id.startsWith(pathPart),
    ) ?? [];
  if (!resource?.Properties) throw new Error(`no function ${pathPart}`);
  return resource.Properties;
}

describe('the stack as synthesized, run locally', () => {
  let stack: LocalStack;
  const denied: string[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({
      context: CONTEXT,
      externalSecrets: { 'rollback-sentinel/github-token': 'unused' },
      onDenied: (message) => denied.push(message),
    });
  });
  afterAll(() => stack?.close());

  it('runs all fourteen Lambdas of the template, each from its own entry', () => {
    expect(stack.functions).toHaveLength(14);
    for (const fn of stack.functions) expect(fn.module).toMatch(/functions\/handlers\/.+\.ts$/);
  });

  it('gives each function exactly its template variables plus what the Lambda runtime sets', () => {
    const fn = stack.fn('confirm-trigger');
    const templateVariables = Object.keys(
      (functionOf(stack.synthesized.template, 'WorkflowConfirmTrigger').Environment as { Variables: object })
        .Variables,
    );
    const runtimeVariables = Object.keys(fn.environment).filter((name) => !templateVariables.includes(name));
    expect(
      runtimeVariables.every((name) => name.startsWith('AWS_') || name === 'TZ' || name === 'PATH'),
    ).toBe(true);
    expect(fn.environment.TABLE_NAME).toBe(stack.tableName);
    expect(fn.environment.AWS_ENDPOINT_URL).toBe(stack.endpoints.aws);
    expect(fn.environment.ALERTS_TOPIC_ARN).toBeUndefined();
  });

  it('ingests a signed batch through the AWS_IAM Function URL, and refuses an unsigned one', async () => {
    const caller = stack.addClassifier('classifier');
    const event = classification('e-1');
    const answer = await postToIngest(stack, { batchId: 'b-1', events: [event] }, caller);
    expect(answer).toMatchObject({ status: 200, body: { accepted: 1 } });
    const unsigned = await fetch(stack.functionUrl('Ingestion/IngestFunction'), {
      method: 'POST',
      body: JSON.stringify([event]),
    });
    expect(unsigned.status).toBe(403);
  });

  it('refuses a caller granted only lambda:InvokeFunctionUrl (both actions are needed since October 2025)', async () => {
    const caller = stack.addCaller('half-granted', [
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunctionUrl',
        Resource: stack.fn('Ingestion/IngestFunction').arn,
      },
    ]);
    const answer = await postToIngest(stack, [], caller);
    expect(answer.status).toBe(403);
    expect(JSON.stringify(answer.body)).toContain('lambda:InvokeFunction ');
  });

  it('runs the evaluator on the schedule rule and the dispatcher on an alarm event', async () => {
    await stack.tick();
    const ignored = await stack.invoke('Dispatcher/DispatcherFunction', { 'detail-type': 'Scheduled Event' });
    expect(ignored).toEqual({ ignored: 'not an alarm state change event' });
  });

  it('serves the approval page through the public Function URL (auth NONE, resource policy)', async () => {
    const page = await fetch(`${stack.functionUrl('Approvals/ApprovalFunction')}?incident=x`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('incomplete or malformed');
  });

  it('runs a workflow step to its own domain error, with no variable missing and no call denied', async () => {
    const deniedBefore = denied.length;
    await expect(stack.invoke('confirm-trigger', STATE)).rejects.toMatchObject({
      name: 'IncidentNotFoundError',
    });
    await expect(stack.invoke('revert-commit', { ...STATE, incidentId: 'inc-other' })).rejects.toMatchObject({
      name: 'IncidentNotFoundError',
    });
    expect(denied.slice(deniedBefore)).toEqual([]);
  });
});

describe('a template that lost a variable or a grant fails locally as in AWS', () => {
  it('names the function and the variable when TABLE_NAME is dropped', async () => {
    const stack = await startLocalStack({
      context: CONTEXT,
      alterTemplate: (template) => {
        const variables = (
          functionOf(template, 'WorkflowConfirmTrigger').Environment as { Variables: Record<string, unknown> }
        ).Variables;
        delete variables.TABLE_NAME;
      },
    });
    try {
      const failure = await stack.invoke('confirm-trigger', STATE).catch((error: Error) => error);
      expect(failure).toMatchObject({ name: 'MissingEnvironmentError' });
      expect((failure as Error).message).toContain('TABLE_NAME');
      expect((failure as Error).message).toContain(stack.fn('confirm-trigger').name);
    } finally {
      await stack.close();
    }
  });

  it('answers AccessDenied naming function, action and resource when the table grant is dropped', async () => {
    const stack = await startLocalStack({
      context: CONTEXT,
      alterTemplate: (template) => {
        for (const [id, resource] of Object.entries(template.Resources)) {
          if (resource.Type !== 'AWS::IAM::Policy' || !id.startsWith('WorkflowConfirmTrigger')) continue;
          const document = resource.Properties?.PolicyDocument as { Statement: { Action: unknown }[] };
          document.Statement = document.Statement.filter(
            (statement) => !JSON.stringify(statement.Action).includes('dynamodb:'),
          );
        }
      },
    });
    try {
      const failure = (await stack.invoke('confirm-trigger', STATE).catch((error: Error) => error)) as Error;
      expect(failure.name).toBe('AccessDeniedException');
      expect(failure.message).toContain(stack.fn('confirm-trigger').name);
      expect(failure.message).toMatch(/dynamodb:(Query|GetItem)/);
      expect(failure.message).toContain(`table/${stack.tableName}`);
    } finally {
      await stack.close();
    }
  });
});

describe('P0 in seconds: ingest wakes the dispatcher itself', () => {
  it('starts the rollback execution from the batch that stored an OTP email in critical, with no alarm and no tick', async () => {
    const stack = await startLocalStack({
      context: CONTEXT,
      externalSecrets: { 'rollback-sentinel/github-token': 'unused' },
      // With the alarm route disabled, only ingest's own signal can wake the dispatcher.
      alterTemplate: (template) => {
        for (const [id, resource] of Object.entries(template.Resources)) {
          if (
            resource.Type === 'AWS::Events::Rule' &&
            id.startsWith('TriggersAlarmToDispatcher') &&
            resource.Properties
          )
            resource.Properties.State = 'DISABLED';
        }
      },
    });
    try {
      const caller = stack.addClassifier('classifier');
      const otp = classification('p0-1', {
        importance: 'critical',
        snippet: 'Your verification code is 482913',
      });
      const started = Date.now();
      const answer = await postToIngest(stack, [otp], caller);
      expect(answer).toMatchObject({ status: 200, body: { accepted: 1 } });
      while (stack.stepFunctions.executions.size === 0 && Date.now() - started < 30_000)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const [execution] = [...stack.stepFunctions.executions.values()];
      expect(execution?.name).toMatch(/^rollback-inc-/);
      expect(JSON.parse(execution?.input ?? '{}')).toMatchObject({
        decision: 'rollback',
        triggers: ['otp_in_critical'],
      });
    } finally {
      await stack.close();
    }
  });
});
