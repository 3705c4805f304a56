import { describe, expect, it } from 'vitest';
import {
  assertSupportedPattern,
  matchesPattern,
  UnsupportedEventPatternError,
} from '../../functions/local/aws/event-pattern.ts';
import { applyInputTransformer } from '../../functions/local/aws/input-transformer.ts';

const alarmEvent = {
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  resources: ['arn:alarm:A'],
  detail: { alarmName: 'A', state: { value: 'ALARM' }, count: 5, tags: ['x', 'y'] },
};

describe('event patterns', () => {
  it.each([
    ['exact values', { source: ['aws.cloudwatch'] }, true],
    ['array is OR', { source: ['aws.states', 'aws.cloudwatch'] }, true],
    ['fields are AND', { source: ['aws.cloudwatch'], 'detail-type': ['Other'] }, false],
    ['event arrays match any element', { resources: ['arn:alarm:B', 'arn:alarm:A'] }, true],
    ['nested objects', { detail: { state: { value: ['ALARM'] } } }, true],
    ['nested mismatch', { detail: { state: { value: ['OK'] } } }, false],
    ['missing field', { detail: { previousState: { value: ['OK'] } } }, false],
    ['prefix', { source: [{ prefix: 'aws.' }] }, true],
    ['suffix', { source: [{ suffix: '.states' }] }, false],
    ['anything-but value', { detail: { alarmName: [{ 'anything-but': 'B' }] } }, true],
    ['anything-but list', { detail: { alarmName: [{ 'anything-but': ['A', 'B'] }] } }, false],
    ['anything-but prefix', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, false],
    ['exists true', { detail: { alarmName: [{ exists: true }] } }, true],
    ['exists false', { detail: { gone: [{ exists: false }] } }, true],
    ['numeric range', { detail: { count: [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric outside', { detail: { count: [{ numeric: ['<', 5] }] } }, false],
    ['equals-ignore-case', { detail: { alarmName: [{ 'equals-ignore-case': 'a' }] } }, true],
    ['element of an event array', { detail: { tags: ['y'] } }, true],
    ['$or: one alternative matches', { detail: { $or: [{ alarmName: ['B'] }, { count: [5] }] } }, true],
    ['$or: no alternative matches', { detail: { $or: [{ alarmName: ['B'] }, { count: [6] }] } }, false],
    ['$or with the other fields ANDed', { source: ['aws.states'], detail: { $or: [{ count: [5] }] } }, false],
  ])('%s', (_name, pattern, expected) => {
    expect(matchesPattern(pattern, alarmEvent)).toBe(expected);
  });

  it('refuses what it does not implement, before any event arrives', () => {
    expect(() => assertSupportedPattern({ detail: { a: [{ wildcard: 'x*' }] } })).toThrow(
      UnsupportedEventPatternError,
    );
    expect(() => assertSupportedPattern({ $or: [] })).toThrow(/\$or/);
    expect(() => assertSupportedPattern({ a: [{ cidr: '10.0.0.0/8' }] })).toThrow(/cidr/);
    expect(() => assertSupportedPattern({ a: [{ numeric: ['!=', 1] }] })).toThrow(/numeric operator/);
    expect(() =>
      assertSupportedPattern({ source: ['aws.states'], detail: { status: ['TIMED_OUT'] } }),
    ).not.toThrow();
  });
});

describe('input transformer', () => {
  const rule = { arn: 'arn:aws:events:r:1:rule/R', name: 'R' };
  it('fills string placeholders as text and other values as JSON', () => {
    const text = applyInputTransformer(
      {
        inputPathsMap: { name: '$.detail.alarmName', state: '$.detail.state', first: '$.resources[0]' },
        inputTemplate:
          '{"alarm":"<name> \\"x\\"","state":<state>,"first":"<first>","rule":"<aws.events.rule-name>"}',
      },
      alarmEvent,
      rule,
    );
    expect(JSON.parse(text)).toEqual({
      alarm: 'A "x"',
      state: { value: 'ALARM' },
      first: 'arn:alarm:A',
      rule: 'R',
    });
  });

  it('escapes quotes in string values so a quoted template stays valid JSON', () => {
    const text = applyInputTransformer(
      { inputPathsMap: { n: '$.name' }, inputTemplate: '"ended <n>"' },
      { name: 'say "hi"' },
      rule,
    );
    expect(JSON.parse(text)).toBe('ended say "hi"');
  });
});
