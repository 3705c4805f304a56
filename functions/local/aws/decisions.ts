import { type AuthorizationRequest, authorize, type Caller, callerArn, type Decision } from './iam.ts';
import { AwsServiceError } from './protocol.ts';

export interface DecisionRecord {
  /** Function name, or the service principal (`cloudwatch.amazonaws.com`). */
  principal: string;
  action: string;
  resource: string;
  allowed: boolean;
  reason: string;
}

/** The gateway's one authorization point: every decision is evaluated, logged and reported. */
export class DecisionLog {
  private readonly records: DecisionRecord[] = [];

  constructor(private readonly onDenied?: (record: DecisionRecord) => void) {}

  check(request: AuthorizationRequest): Decision {
    const decision = authorize(request);
    const record: DecisionRecord = {
      principal: principalName(request.caller),
      action: request.action,
      resource: request.resource,
      allowed: decision.allowed,
      reason: decision.reason,
    };
    this.records.push(record);
    if (!decision.allowed) this.onDenied?.(record);
    return decision;
  }

  /** Like `check`, but a denial throws the error the service would answer with. */
  require(request: AuthorizationRequest, code = 'AccessDeniedException', status = 400): void {
    const decision = this.check(request);
    if (!decision.allowed) throw new AwsServiceError(code, denialMessage(request, decision), status);
  }

  all(): DecisionRecord[] {
    return [...this.records];
  }
}

export function principalName(caller: Caller): string {
  return caller.kind === 'service' ? caller.service : caller.sessionName;
}

/** AWS's wording: "User: <assumed-role ARN> is not authorized to perform: <action> on resource: …". */
export function denialMessage(request: AuthorizationRequest, decision: Decision): string {
  return `User: ${callerArn(request.caller)} is not authorized to perform: ${request.action} on resource: ${request.resource} ${decision.reason}`;
}
