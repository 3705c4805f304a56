import { describe, expect, it } from 'vitest';
import { onlyCandidate } from '../../functions/cli/prevention/shadow.ts';
import { progressReporter } from '../../functions/cli/progress.ts';
import { readReport } from '../../functions/cli/read-report.ts';
import { type ClassificationEvent, parseEvent } from '../../functions/core/events.ts';
import { closestName, editDistance } from '../../functions/core/suggest.ts';

const V = { model: 'gemini-2.0-flash', modelVersion: '2.0', prompt: 'v2' };

describe('unknown fields', () => {
  it('parseEvent returns the keys the schema dropped, and none for a clean event', () => {
    const raw = {
      type: 'classification',
      id: 'e',
      ts: '2026-11-27T10:00:00Z',
      version: V,
      importance: 'routine',
    };
    const clean = parseEvent(raw, 0);
    expect(clean.ok && clean.unknownFields).toBe(undefined);
    const typo = parseEvent({ ...raw, latency_ms: 850, extra: 1 }, 0);
    expect(typo.ok && typo.unknownFields).toEqual(['latency_ms', 'extra']);
    // The event itself is unchanged: the misspelled value is not smuggled in.
    expect(typo.ok && 'latencyMs' in typo.event).toBe(false);
  });

  it('suggests the closest known name, and nothing for an unrelated one', () => {
    const fields = ['latencyMs', 'costUsd', 'importance', 'emailId', 'shadow'];
    expect(closestName('latency_ms', fields)).toBe('latencyMs');
    expect(closestName('LatencyMS', fields)).toBe('latencyMs');
    expect(closestName('importnce', fields)).toBe('importance');
    expect(closestName('email_ID', fields)).toBe('emailId');
    expect(closestName('tenant', fields)).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('never echoes a key that does not look like a field name', () => {
    const lines = readReport({
      events: 1,
      lines: 1,
      problems: [],
      unknownFields: [{ name: 'Your code is 123456', type: 'classification', firstLine: 1, count: 1 }],
    });
    expect(lines).toEqual([
      'warning: line 1: a field whose name has 19 characters is not a classification field and was ignored',
    ]);
  });

  it('prints no summary when no line was rejected', () => {
    expect(readReport({ events: 3, lines: 3, problems: [], unknownFields: [] })).toEqual([]);
  });
});

describe('progress', () => {
  it('prints at most every 2 s, with lines and a rounded rate', () => {
    let now = 0;
    const out: string[] = [];
    const report = progressReporter({ write: (line) => out.push(line), now: () => now });
    now = 1_000;
    report(10_000); // too soon
    now = 2_000;
    report(82_000);
    now = 3_000;
    report(120_000); // 1 s after the last line: too soon again
    now = 4_100;
    report(172_345);
    expect(out).toEqual(['… 82,000 lines, 41,000/s', '… 172,345 lines, 42,000/s']);
  });
});

describe('shadow without --candidate-prompt', () => {
  const live = (id: string, prompt: string, shadow?: boolean): ClassificationEvent => ({
    type: 'classification',
    id,
    ts: 0,
    version: { ...V, prompt },
    importance: 'routine',
    otp: false,
    ...(shadow ? { shadow } : {}),
  });

  it('takes the one candidate version of the shadow events', () => {
    expect(onlyCandidate([live('a', 'v2'), live('b', 'v3', true), live('c', 'v3', true)])).toEqual({
      ...V,
      prompt: 'v3',
    });
  });

  it('asks for --candidate-prompt when there are several, naming them; and refuses none', () => {
    expect(() => onlyCandidate([live('a', 'v3', true), live('b', 'v4', true)])).toThrow(
      /hold 2 versions \(gemini-2\.0-flash 2\.0 \/ prompt v3; gemini-2\.0-flash 2\.0 \/ prompt v4\); name one/,
    );
    expect(() => onlyCandidate([live('a', 'v2')])).toThrow(/no shadow classifications/);
  });
});
