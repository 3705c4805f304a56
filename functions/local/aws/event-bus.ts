import type { DecisionLog } from './decisions.ts';
import { assertSupportedPattern, matchesPattern } from './event-pattern.ts';
import type { Statement } from './iam.ts';
import { applyInputTransformer, type InputTransformer, readPath } from './input-transformer.ts';
import type { SnsTopics } from './sns.ts';

export interface RuleTarget {
  id: string;
  arn: string;
  /** Constant JSON text sent instead of the event. */
  input?: string;
  inputPath?: string;
  inputTransformer?: InputTransformer;
}

export interface EventRule {
  arn: string;
  /** Rules without a pattern (schedules) never match bus events. */
  eventPattern?: unknown;
  targets: readonly RuleTarget[];
  enabled?: boolean;
}

/** One AWS::Lambda::Permission, resolved. */
export interface LambdaPermission {
  functionArn: string;
  action: string;
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
}

export interface Delivery {
  ruleArn: string;
  targetId: string;
  targetArn: string;
  delivered: boolean;
  reason: string;
}

export interface EventBusOptions {
  rules: readonly EventRule[];
  lambdaPermissions: readonly LambdaPermission[];
  topics: SnsTopics;
  log: DecisionLog;
  account: string;
  /** Runs the function's cloud entry with the event; its result or rejection is the delivery's outcome. */
  invokeLambda?: (functionArn: string, event: unknown) => Promise<unknown> | unknown;
}

const EVENTS = { kind: 'service', service: 'events.amazonaws.com' } as const;

/** Lambda permissions as the function's resource policy. */
export function lambdaPolicy(permissions: readonly LambdaPermission[], functionArn: string): Statement[] {
  return permissions
    .filter((p) => p.functionArn === functionArn)
    .map((p) => {
      const condition: Record<string, Record<string, string>> = {};
      if (p.sourceArn) condition.ArnLike = { 'AWS:SourceArn': p.sourceArn };
      if (p.sourceAccount) condition.StringEquals = { 'AWS:SourceAccount': p.sourceAccount };
      return {
        Effect: 'Allow',
        Principal:
          p.principal === '*'
            ? '*'
            : p.principal.endsWith('.amazonaws.com')
              ? { Service: p.principal }
              : { AWS: p.principal },
        Action: p.action,
        Resource: p.functionArn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      } satisfies Statement;
    });
}

/** The local default event bus: matches rules, authorizes each target as EventBridge, delivers. */
export class EventBus {
  private readonly log: Delivery[] = [];

  /** Throws UnsupportedEventPatternError for a rule whose pattern it cannot match faithfully. */
  constructor(private readonly options: EventBusOptions) {
    for (const rule of options.rules)
      if (rule.eventPattern !== undefined) assertSupportedPattern(rule.eventPattern, `rule ${rule.arn}`);
  }

  deliveries(): Delivery[] {
    return [...this.log];
  }

  async put(event: Record<string, unknown>): Promise<Delivery[]> {
    const results: Delivery[] = [];
    for (const rule of this.options.rules) {
      if (rule.enabled === false || rule.eventPattern === undefined) continue;
      if (!matchesPattern(rule.eventPattern, event)) continue;
      for (const target of rule.targets) results.push(await this.deliver(rule, target, event));
    }
    this.log.push(...results);
    return results;
  }

  private async deliver(
    rule: EventRule,
    target: RuleTarget,
    event: Record<string, unknown>,
  ): Promise<Delivery> {
    const done = (delivered: boolean, reason: string): Delivery => ({
      ruleArn: rule.arn,
      targetId: target.id,
      targetArn: target.arn,
      delivered,
      reason,
    });
    const context = { 'aws:SourceArn': rule.arn, 'aws:SourceAccount': this.options.account };
    const text = this.payload(rule, target, event);
    const service = target.arn.split(':')[2];
    if (service === 'lambda') {
      const decision = this.options.log.check({
        caller: EVENTS,
        action: 'lambda:InvokeFunction',
        resource: target.arn,
        resourceStatements: lambdaPolicy(this.options.lambdaPermissions, target.arn),
        context,
      });
      if (!decision.allowed) return done(false, `lambda:InvokeFunction denied ${decision.reason}`);
      if (!this.options.invokeLambda) return done(false, 'no invokeLambda callback was given to the gateway');
      try {
        await this.options.invokeLambda(target.arn, parseOrText(text));
        return done(true, decision.reason);
      } catch (error) {
        return done(false, `the function failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (service === 'sns') {
      try {
        this.options.topics.publish(EVENTS, [], { topicArn: target.arn, message: text }, context);
        return done(true, 'published');
      } catch (error) {
        return done(false, error instanceof Error ? error.message : String(error));
      }
    }
    return done(false, `targets of service ${service} are not supported locally`);
  }

  private payload(rule: EventRule, target: RuleTarget, event: Record<string, unknown>): string {
    if (target.input !== undefined) return target.input;
    if (target.inputTransformer)
      return applyInputTransformer(target.inputTransformer, event, {
        arn: rule.arn,
        name: rule.arn.split('/').pop() ?? '',
      });
    if (target.inputPath !== undefined) return JSON.stringify(readPath(event, target.inputPath) ?? null);
    return JSON.stringify(event);
  }
}

/** Lambda targets receive JSON; a transformer may produce plain text, which arrives as a string. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
