import { randomUUID } from 'node:crypto';
import type { AwsCall, CallResult } from './call.ts';
import { unknownOperation } from './call.ts';
import type { DecisionLog } from './decisions.ts';
import type { Caller, RequestContext, Statement } from './iam.ts';
import { AwsServiceError, escapeXml } from './protocol.ts';

export interface TopicConfig {
  arn: string;
  /** The topic policy (AWS::SNS::TopicPolicy statements); a resource policy. */
  policy?: readonly Statement[];
  /** The topic's KMS key (KmsMasterKeyId resolved to the key ARN). */
  kmsKeyArn?: string;
}

export interface KeyConfig {
  arn: string;
  /** The key policy (AWS::KMS::Key KeyPolicy statements). */
  policy: readonly Statement[];
}

export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: string;
}

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  attributes: Record<string, MessageAttribute>;
  /** Function name, or the service principal that published (alarm actions, rule targets). */
  publisher: string;
}

export interface PublishInput {
  topicArn: string;
  subject?: string;
  message: string;
  attributes?: Record<string, MessageAttribute>;
}

/** SNS topics with their policies: authorizes a publish exactly as SNS + KMS would, then delivers. */
export class SnsTopics {
  private readonly topics: Map<string, TopicConfig>;
  private readonly keys: Map<string, KeyConfig>;

  constructor(
    topics: readonly TopicConfig[],
    keys: readonly KeyConfig[],
    private readonly log: DecisionLog,
    private readonly onPublish?: (message: PublishedMessage) => void,
  ) {
    this.topics = new Map(topics.map((t) => [t.arn, t]));
    this.keys = new Map(keys.map((k) => [k.arn, k]));
  }

  has(topicArn: string): boolean {
    return this.topics.has(topicArn);
  }

  /**
   * Publishes for `caller`; throws AwsServiceError (`AuthorizationError`, `NotFound`,
   * `KMSAccessDenied`) on refusal. Service principals carry no identity statements and are
   * authorized by the topic and key policies alone, with `aws:SourceArn`/`aws:SourceAccount`.
   */
  publish(
    caller: Caller,
    identityStatements: readonly Statement[],
    input: PublishInput,
    context: RequestContext = {},
  ): string {
    const topic = this.topics.get(input.topicArn);
    this.log.require(
      {
        caller,
        action: 'sns:Publish',
        resource: input.topicArn,
        identityStatements,
        resourceStatements: topic?.policy,
        context,
      },
      'AuthorizationError',
      403,
    );
    if (!topic) throw new AwsServiceError('NotFound', 'Topic does not exist', 404);
    if (topic.kmsKeyArn) {
      const key = this.keys.get(topic.kmsKeyArn);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
        this.log.require(
          {
            caller,
            action,
            resource: topic.kmsKeyArn,
            identityStatements,
            resourceStatements: key?.policy ?? [],
            resourcePolicyRequired: true,
            context,
          },
          'KMSAccessDenied',
          400,
        );
    }
    const messageId = randomUUID();
    this.onPublish?.({
      messageId,
      topicArn: input.topicArn,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      message: input.message,
      attributes: input.attributes ?? {},
      publisher: caller.kind === 'service' ? caller.service : caller.sessionName,
    });
    return messageId;
  }
}

/** The awsQuery `Publish` call of a Lambda function. */
export function handleSns(call: AwsCall, topics: SnsTopics): CallResult {
  const form = new URLSearchParams(call.body.toString('utf8'));
  const action = form.get('Action') ?? '';
  if (action !== 'Publish') throw unknownOperation('sns', action);
  const topicArn = form.get('TopicArn') ?? form.get('TargetArn');
  const message = form.get('Message');
  if (!topicArn)
    throw new AwsServiceError(
      'InvalidParameter',
      'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  if (message === null)
    throw new AwsServiceError(
      'InvalidParameter',
      'Invalid parameter: Message Reason: no value for required parameter',
    );
  const subject = form.get('Subject') ?? undefined;
  if (subject !== undefined && (subject.length > 100 || subject.length === 0))
    throw new AwsServiceError('InvalidParameter', 'Invalid parameter: Subject');
  const messageId = topics.publish(call.caller, call.principal.statements, {
    topicArn,
    message,
    ...(subject !== undefined ? { subject } : {}),
    attributes: messageAttributes(form),
  });
  return {
    xml:
      '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
      `<MessageId>${escapeXml(messageId)}</MessageId></PublishResult>` +
      `<ResponseMetadata><RequestId>${call.requestId}</RequestId></ResponseMetadata></PublishResponse>`,
  };
}

function messageAttributes(form: URLSearchParams): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = form.get(`${prefix}.Name`) as string;
    const stringValue = form.get(`${prefix}.Value.StringValue`);
    const binaryValue = form.get(`${prefix}.Value.BinaryValue`);
    attributes[name] = {
      dataType: form.get(`${prefix}.Value.DataType`) ?? 'String',
      ...(stringValue !== null ? { stringValue } : {}),
      ...(binaryValue !== null ? { binaryValue } : {}),
    };
  }
  return attributes;
}
