import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  assumedRoleArn,
  authorize,
  type Statement,
} from '../../functions/local/aws/iam.ts';
import { wildcardMatch } from '../../functions/local/aws/wildcard.ts';

const ROLE = 'arn:aws:iam::123456789012:role/NotifyRole';
const fnCaller = { kind: 'role', roleArn: ROLE, sessionName: 'notify-fn' } as const;
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:pages';
const allowPublish: Statement = { Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC };

function request(overrides: Partial<AuthorizationRequest>): AuthorizationRequest {
  return { caller: fnCaller, action: 'sns:Publish', resource: TOPIC, ...overrides };
}

describe('wildcard matching', () => {
  it.each([
    ['*', '', true],
    ['a*c', 'abbbc', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/x/y', true],
    ['secret:name-??????', 'secret:name-AbC123', true],
    ['secret:name-??????', 'secret:name-AbC12', false],
    ['a.c', 'abc', false],
    ['(a)', '(a)', true],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('a literal (wildcard-free) pattern matches only itself', () => {
    const literal = fc.string().filter((s) => !/[*?]/.test(s));
    fc.assert(fc.property(literal, literal, (a, b) => wildcardMatch(a, b) === (a === b)));
  });

  it('prefix* matches exactly the values that start with the prefix', () => {
    const text = fc.string().filter((s) => !/[*?]/.test(s));
    fc.assert(
      fc.property(
        text,
        text,
        (prefix, value) => wildcardMatch(`${prefix}*`, value) === value.startsWith(prefix),
      ),
    );
  });

  it('replacing any characters of a value by ? or a run by * still matches', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.nat(), (value, i, j) => {
        const from = i % value.length;
        const to = from + (j % (value.length - from + 1));
        const star = `${value.slice(0, from)}*${value.slice(to)}`;
        const question = `${value.slice(0, from)}?${value.slice(from + 1)}`;
        return wildcardMatch(star, value) && wildcardMatch(question, value);
      }),
    );
  });
});

describe('authorize: effects and matching', () => {
  const cases: [string, Partial<AuthorizationRequest>, boolean, RegExp][] = [
    ['identity Allow', { identityStatements: [allowPublish] }, true, /allowed by identity-based/],
    [
      'nothing allows',
      { identityStatements: [] },
      false,
      /no identity-based policy allows the sns:Publish action/,
    ],
    [
      'action case-insensitive and wildcard',
      { identityStatements: [{ Effect: 'Allow', Action: 'SNS:Pub*', Resource: TOPIC }] },
      true,
      /allowed/,
    ],
    [
      'resource is case-sensitive',
      { identityStatements: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC.toUpperCase() }] },
      false,
      /no identity-based/,
    ],
    [
      'explicit Deny wins over Allow',
      { identityStatements: [allowPublish, { Effect: 'Deny', Action: 'sns:*', Resource: '*' }] },
      false,
      /explicit deny in an identity-based policy/,
    ],
    [
      'NotAction allows other actions only',
      { identityStatements: [{ Effect: 'Allow', NotAction: 'sns:Publish', Resource: '*' }] },
      false,
      /no identity-based/,
    ],
    [
      'NotResource excludes the resource',
      { identityStatements: [{ Effect: 'Allow', Action: '*', NotResource: TOPIC }] },
      false,
      /no identity-based/,
    ],
    [
      'NotResource includes other resources',
      { identityStatements: [{ Effect: 'Allow', Action: '*', NotResource: `${TOPIC}-other` }] },
      true,
      /allowed/,
    ],
    [
      'resource policy Allow for the role (same account)',
      { resourceStatements: [{ ...allowPublish, Principal: { AWS: ROLE } }] },
      true,
      /allowed by resource-based/,
    ],
    [
      'resource policy Allow for another principal does not apply',
      { resourceStatements: [{ ...allowPublish, Principal: { AWS: `${ROLE}-x` } }] },
      false,
      /no identity-based/,
    ],
    [
      'resource policy Deny for * wins',
      {
        identityStatements: [allowPublish],
        resourceStatements: [{ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Resource: TOPIC }],
      },
      false,
      /explicit deny in a resource-based policy/,
    ],
    [
      'the template SSL-only Deny does not fire (SecureTransport maps to true)',
      {
        identityStatements: [allowPublish],
        resourceStatements: [
          {
            Sid: 'AllowPublishThroughSSLOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: TOPIC,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
      true,
      /allowed/,
    ],
  ];
  it.each(cases)('%s', (_name, overrides, allowed, reason) => {
    const decision = authorize(request(overrides));
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason).toMatch(reason);
  });

  it('service principals are authorized only by resource policies', () => {
    const cloudwatch = { kind: 'service', service: 'cloudwatch.amazonaws.com' } as const;
    const forEvents: Statement = { ...allowPublish, Principal: { Service: 'events.amazonaws.com' } };
    expect(authorize(request({ caller: cloudwatch, resourceStatements: [forEvents] })).reason).toMatch(
      /no resource-based policy allows the sns:Publish action/,
    );
    const forCloudWatch: Statement = {
      ...allowPublish,
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' } },
    };
    const context = { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:Otp' };
    expect(
      authorize(request({ caller: cloudwatch, resourceStatements: [forCloudWatch], context })).allowed,
    ).toBe(true);
    expect(authorize(request({ caller: cloudwatch, resourceStatements: [forCloudWatch] })).allowed).toBe(
      false,
    );
  });

  it('a KMS key policy must allow or delegate to the account', () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/k1';
    const identityStatements: Statement[] = [
      { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: key },
    ];
    const root: Statement = {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'kms:*',
      Resource: '*',
    };
    const kms = { action: 'kms:GenerateDataKey', resource: key, resourcePolicyRequired: true };
    expect(authorize(request({ ...kms, identityStatements, resourceStatements: [root] })).allowed).toBe(true);
    expect(authorize(request({ ...kms, identityStatements: [], resourceStatements: [root] })).allowed).toBe(
      false,
    );
    expect(authorize(request({ ...kms, identityStatements, resourceStatements: [] })).reason).toMatch(
      /no resource-based policy/,
    );
  });

  it('names the assumed-role session', () => {
    expect(assumedRoleArn('arn:aws:iam::123456789012:role/path/NotifyRole', 'fn')).toBe(
      'arn:aws:sts::123456789012:assumed-role/NotifyRole/fn',
    );
  });
});

describe('authorize: conditions', () => {
  const withCondition = (Condition: Statement['Condition']): Statement[] => [
    { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition },
  ];
  const metric = (Condition: Statement['Condition'], context: AuthorizationRequest['context']) =>
    authorize(
      request({
        action: 'cloudwatch:PutMetricData',
        resource: '*',
        identityStatements: withCondition(Condition),
        context,
      }),
    ).allowed;
  const ns = (value: string | string[] | undefined) => ({ 'cloudwatch:namespace': value });

  it.each([
    [
      'StringEquals match',
      { StringEquals: { 'cloudwatch:namespace': 'RollbackSentinel' } },
      ns('RollbackSentinel'),
      true,
    ],
    [
      'StringEquals other',
      { StringEquals: { 'cloudwatch:namespace': 'RollbackSentinel' } },
      ns('Other'),
      false,
    ],
    ['StringEquals key case-insensitive', { StringEquals: { 'CloudWatch:Namespace': 'A' } }, ns('A'), true],
    ['StringEquals values are OR', { StringEquals: { 'cloudwatch:namespace': ['A', 'B'] } }, ns('B'), true],
    ['StringEquals absent key', { StringEquals: { 'cloudwatch:namespace': 'A' } }, ns(undefined), false],
    [
      'StringEqualsIfExists absent key',
      { StringEqualsIfExists: { 'cloudwatch:namespace': 'A' } },
      ns(undefined),
      true,
    ],
    [
      'StringEqualsIfExists present other',
      { StringEqualsIfExists: { 'cloudwatch:namespace': 'A' } },
      ns('B'),
      false,
    ],
    ['StringNotEquals', { StringNotEquals: { 'cloudwatch:namespace': ['A', 'B'] } }, ns('C'), true],
    ['StringNotEquals listed', { StringNotEquals: { 'cloudwatch:namespace': ['A', 'B'] } }, ns('B'), false],
    ['StringLike', { StringLike: { 'cloudwatch:namespace': 'Roll*' } }, ns('RollbackSentinel'), true],
    ['StringNotLike', { StringNotLike: { 'cloudwatch:namespace': 'Roll*' } }, ns('RollbackSentinel'), false],
    [
      'StringEqualsIgnoreCase',
      { StringEqualsIgnoreCase: { 'cloudwatch:namespace': 'abc' } },
      ns('ABC'),
      true,
    ],
    [
      'ArnLike',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:*:alarm:*' } },
      { 'aws:SourceArn': 'arn:aws:cloudwatch:r:1:alarm:A' },
      true,
    ],
    [
      'ArnNotLike',
      { ArnNotLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*:*:alarm:*' } },
      { 'aws:SourceArn': 'arn:aws:events:r:1:rule/x' },
      true,
    ],
    ['ArnEquals', { ArnEquals: { 'aws:SourceArn': 'arn:a' } }, { 'aws:SourceArn': 'arn:a' }, true],
    ['ArnNotEquals', { ArnNotEquals: { 'aws:SourceArn': 'arn:a' } }, { 'aws:SourceArn': 'arn:a' }, false],
    ['Bool', { Bool: { 'aws:SecureTransport': 'true' } }, {}, true],
    ['Bool with boolean value', { Bool: { 'aws:SecureTransport': false } }, {}, false],
    ['Null true on absent key', { Null: { 'aws:SourceArn': 'true' } }, {}, true],
    ['Null false on absent key', { Null: { 'aws:SourceArn': 'false' } }, {}, false],
    ['NumericLessThan', { NumericLessThan: { 'x:n': 10 } }, { 'x:n': '9' }, true],
    ['NumericGreaterThanEquals', { NumericGreaterThanEquals: { 'x:n': '10' } }, { 'x:n': '9' }, false],
    ['NumericEquals not a number', { NumericEquals: { 'x:n': '10' } }, { 'x:n': 'ten' }, false],
    ['NumericNotEquals', { NumericNotEquals: { 'x:n': '10' } }, { 'x:n': '11' }, true],
    [
      'DateGreaterThan',
      { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
      { 'aws:CurrentTime': '2026-12-01T00:00:00Z' },
      true,
    ],
    ['keys are AND', { StringEquals: { 'a:x': '1', 'a:y': '2' } }, { 'a:x': '1', 'a:y': '3' }, false],
    [
      'operators are AND',
      { StringEquals: { 'a:x': '1' }, StringLike: { 'a:y': '2*' } },
      { 'a:x': '1', 'a:y': '22' },
      true,
    ],
    [
      'ForAnyValue:StringEquals',
      { 'ForAnyValue:StringEquals': { 'a:t': ['x', 'y'] } },
      { 'a:t': ['q', 'y'] },
      true,
    ],
    ['ForAnyValue absent', { 'ForAnyValue:StringEquals': { 'a:t': ['x'] } }, {}, false],
    [
      'ForAllValues:StringEquals subset',
      { 'ForAllValues:StringEquals': { 'a:t': ['x', 'y'] } },
      { 'a:t': ['x', 'y'] },
      true,
    ],
    [
      'ForAllValues:StringEquals extra',
      { 'ForAllValues:StringEquals': { 'a:t': ['x'] } },
      { 'a:t': ['x', 'z'] },
      false,
    ],
    ['ForAllValues absent is vacuous', { 'ForAllValues:StringEquals': { 'a:t': ['x'] } }, {}, true],
    [
      'ForAllValues:StringNotLike',
      { 'ForAllValues:StringNotLike': { 'a:t': ['x*'] } },
      { 'a:t': ['a', 'b'] },
      true,
    ],
  ] as [string, Statement['Condition'], AuthorizationRequest['context'], boolean][])(
    '%s',
    (_n, condition, context, allowed) => {
      expect(metric(condition, context)).toBe(allowed);
    },
  );

  it('an unknown operator fails closed with a clear reason, also in a Deny', () => {
    const allow = authorize(
      request({
        identityStatements: [
          { ...allowPublish, Sid: 'Odd', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
        ],
      }),
    );
    expect(allow).toMatchObject({ allowed: false });
    expect(allow.reason).toMatch(
      /unsupported condition operator IpAddress in identity-based policy statement "Odd"/,
    );
    const deny = authorize(
      request({
        identityStatements: [
          allowPublish,
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Frobnicate: { 'a:b': 'c' } } },
        ],
      }),
    );
    expect(deny.allowed).toBe(false);
  });
});

describe('wildcard matching, found by the property test', () => {
  it('treats * in the pattern as a wildcard even where the value holds a literal *', () => {
    expect(wildcardMatch('*', '* ')).toBe(true);
    expect(wildcardMatch('a*', 'a* b')).toBe(true);
    expect(wildcardMatch('*b', '*xb')).toBe(true);
  });
});
