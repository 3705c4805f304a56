import {
  type ConditionBlock,
  conditionsMatch,
  type RequestContext,
  UnsupportedConditionOperatorError,
} from './iam-conditions.ts';
import { wildcardMatch } from './wildcard.ts';

export type { ConditionBlock, RequestContext } from './iam-conditions.ts';

type OneOrMany = string | readonly string[];

export type PolicyPrincipal =
  | '*'
  | Readonly<{ AWS?: OneOrMany; Service?: OneOrMany; Federated?: OneOrMany; CanonicalUser?: OneOrMany }>;

/** One IAM policy statement, with every reference already resolved to plain strings. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany;
  NotAction?: OneOrMany;
  Resource?: OneOrMany;
  NotResource?: OneOrMany;
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Condition?: ConditionBlock;
}

/** Who is asking: a Lambda function's assumed role, or an AWS service acting on its own behalf. */
export type Caller =
  | { kind: 'role'; roleArn: string; sessionName: string }
  | { kind: 'service'; service: string };

export interface AuthorizationRequest {
  caller: Caller;
  action: string;
  resource: string;
  /** The caller's identity-based policies (its role's statements); none for service principals. */
  identityStatements?: readonly Statement[];
  /** The resource's policy (topic policy, key policy, Lambda permissions), if it has one. */
  resourceStatements?: readonly Statement[];
  /**
   * KMS key policies are the primary authority: an identity policy only counts when the key
   * policy delegates to the account (Principal `arn:aws:iam::<account>:root`).
   */
  resourcePolicyRequired?: boolean;
  context?: RequestContext;
}

export interface Decision {
  allowed: boolean;
  /** Phrased to follow "… is not authorized to perform: A on resource: R ", as AWS words it. */
  reason: string;
  matched?: Statement;
}

const list = (value: OneOrMany | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** `arn:aws:iam::123:role/path/name` → `arn:aws:sts::123:assumed-role/name/<session>`. */
export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const match = /^arn:([^:]+):iam::(\d*|[^:]*):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) return `${roleArn}/${sessionName}`;
  return `arn:${match[1]}:sts::${match[2]}:assumed-role/${match[3]}/${sessionName}`;
}

export function accountOf(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

export function callerArn(caller: Caller): string {
  return caller.kind === 'service' ? caller.service : assumedRoleArn(caller.roleArn, caller.sessionName);
}

/** Global condition keys the request carries by itself. */
function baseContext(caller: Caller): Record<string, string> {
  // Locally every call is plain HTTP on loopback, while the SDKs always speak TLS to AWS: the
  // transport the code would use in the cloud is what matters, so SecureTransport is "true".
  const context: Record<string, string> = { 'aws:SecureTransport': 'true' };
  if (caller.kind === 'service') {
    context['aws:PrincipalServiceName'] = caller.service;
    context['aws:PrincipalIsAWSService'] = 'true';
  } else {
    context['aws:PrincipalArn'] = caller.roleArn;
    context['aws:PrincipalType'] = 'AssumedRole';
    context['aws:PrincipalIsAWSService'] = 'false';
    const account = accountOf(caller.roleArn);
    if (account) context['aws:PrincipalAccount'] = account;
  }
  return context;
}

type PrincipalMatch = 'match' | 'delegate' | 'none';

function principalMatch(principal: PolicyPrincipal | undefined, caller: Caller): PrincipalMatch {
  if (principal === undefined) return 'none';
  if (principal === '*') return 'match';
  if (caller.kind === 'service') {
    if (list(principal.AWS).includes('*')) return 'match';
    return list(principal.Service).includes(caller.service) ? 'match' : 'none';
  }
  const account = accountOf(caller.roleArn);
  const session = assumedRoleArn(caller.roleArn, caller.sessionName);
  let result: PrincipalMatch = 'none';
  for (const entry of list(principal.AWS)) {
    if (entry === '*' || entry === caller.roleArn || entry === session) return 'match';
    // The account root (or bare account id) hands the decision to that account's IAM policies.
    if (account && (entry === account || /^arn:[^:]+:iam::(\d+):root$/.exec(entry)?.[1] === account))
      result = 'delegate';
  }
  return result;
}

function actionMatches(statement: Statement, action: string): boolean {
  if (statement.NotAction !== undefined)
    return !list(statement.NotAction).some((p) => wildcardMatch(p, action, true));
  return list(statement.Action).some((p) => wildcardMatch(p, action, true));
}

function resourceMatches(statement: Statement, resource: string, identity: boolean): boolean {
  if (statement.NotResource !== undefined)
    return !list(statement.NotResource).some((p) => wildcardMatch(p, resource));
  // A resource policy statement without Resource applies to the resource it is attached to.
  if (statement.Resource === undefined) return !identity;
  return list(statement.Resource).some((p) => wildcardMatch(p, resource));
}

function label(statement: Statement, index: number, source: string): string {
  return `${source} policy statement ${statement.Sid ? `"${statement.Sid}"` : `#${index + 1}`}`;
}

interface Applicable {
  statement: Statement;
  label: string;
  identity: boolean;
  delegated: boolean;
}

function applicable(
  statements: readonly Statement[],
  identity: boolean,
  request: AuthorizationRequest,
  context: RequestContext,
): Applicable[] {
  const out: Applicable[] = [];
  statements.forEach((statement, index) => {
    const where = label(statement, index, identity ? 'identity-based' : 'resource-based');
    let delegated = false;
    if (!identity) {
      const notPrincipal = statement.NotPrincipal;
      const match =
        notPrincipal !== undefined
          ? principalMatch(notPrincipal, request.caller) === 'none'
            ? 'match'
            : 'none'
          : principalMatch(statement.Principal, request.caller);
      if (match === 'none') return;
      delegated = match === 'delegate';
    }
    if (!actionMatches(statement, request.action)) return;
    if (!resourceMatches(statement, request.resource, identity)) return;
    try {
      if (!conditionsMatch(statement.Condition, context)) return;
    } catch (error) {
      if (error instanceof UnsupportedConditionOperatorError)
        throw new UnsupportedConditionOperatorError(`${error.message} in ${where}`);
      throw error;
    }
    out.push({ statement, label: where, identity, delegated });
  });
  return out;
}

/**
 * IAM policy evaluation for one request within one account: an explicit Deny anywhere wins;
 * otherwise an Allow from the identity policies or the resource policy grants (for KMS the key
 * policy must allow or delegate); otherwise the implicit deny.
 */
export function authorize(request: AuthorizationRequest): Decision {
  const context = { ...baseContext(request.caller), ...request.context };
  let identity: Applicable[];
  let resource: Applicable[];
  try {
    identity =
      request.caller.kind === 'role'
        ? applicable(request.identityStatements ?? [], true, request, context)
        : [];
    resource = applicable(request.resourceStatements ?? [], false, request, context);
  } catch (error) {
    if (!(error instanceof UnsupportedConditionOperatorError)) throw error;
    return { allowed: false, reason: `because the evaluation failed closed: ${error.message}` };
  }
  const deny = [...identity, ...resource].find((a) => a.statement.Effect === 'Deny');
  if (deny)
    return {
      allowed: false,
      reason: `with an explicit deny in ${deny.identity ? 'an identity-based' : 'a resource-based'} policy (${deny.label})`,
      matched: deny.statement,
    };
  const direct = resource.find((a) => a.statement.Effect === 'Allow' && !a.delegated);
  if (direct) return { allowed: true, reason: `allowed by ${direct.label}`, matched: direct.statement };
  const identityAllow = identity.find((a) => a.statement.Effect === 'Allow');
  if (request.resourcePolicyRequired) {
    const delegation = resource.find((a) => a.statement.Effect === 'Allow' && a.delegated);
    if (identityAllow && delegation)
      return {
        allowed: true,
        reason: `allowed by ${identityAllow.label} (the ${delegation.label} delegates to the account)`,
        matched: identityAllow.statement,
      };
    if (identityAllow)
      return {
        allowed: false,
        reason: `because no resource-based policy allows the ${request.action} action`,
      };
  } else if (identityAllow) {
    return { allowed: true, reason: `allowed by ${identityAllow.label}`, matched: identityAllow.statement };
  }
  return {
    allowed: false,
    reason:
      request.caller.kind === 'service'
        ? `because no resource-based policy allows the ${request.action} action`
        : `because no identity-based policy allows the ${request.action} action`,
  };
}
