import type { AwsCall, CallResult } from './call.ts';
import { parseJsonBody, unknownOperation } from './call.ts';
import type { DecisionLog } from './decisions.ts';
import type { Datapoint } from './metrics.ts';
import { AwsServiceError } from './protocol.ts';

interface WireDatum {
  MetricName?: string;
  Dimensions?: { Name?: string; Value?: string }[];
  Timestamp?: number | string;
  Value?: number;
  Values?: number[];
  Counts?: number[];
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  Unit?: string;
}

const invalid = (message: string) => new AwsServiceError('InvalidParameterValue', message);

/**
 * `PutMetricData` as `@aws-sdk/client-cloudwatch` sends it today (awsJson1_0, query-compatible):
 * authorized on resource `*` with the `cloudwatch:namespace` condition key, then stored.
 */
export function handleCloudWatch(
  call: AwsCall,
  log: DecisionLog,
  now: () => number,
  store: (points: Datapoint[]) => void,
): CallResult {
  if (call.operation !== 'PutMetricData') throw unknownOperation('cloudwatch', call.operation);
  const input = parseJsonBody(call);
  const namespace = input.Namespace;
  if (typeof namespace !== 'string' || namespace === '')
    throw new AwsServiceError('MissingParameter', 'The parameter Namespace is required.');
  log.require({
    caller: call.caller,
    identityStatements: call.principal.statements,
    action: 'cloudwatch:PutMetricData',
    resource: '*',
    context: { 'cloudwatch:namespace': namespace },
  });
  if (namespace.startsWith('AWS/')) throw invalid('The value AWS/ for parameter Namespace is invalid.');
  const data = input.MetricData;
  if (!Array.isArray(data) || data.length === 0)
    throw new AwsServiceError('MissingParameter', 'The parameter MetricData is required.');
  store(data.map((datum: WireDatum, i) => toDatapoint(namespace, datum, i, now())));
  return { json: {} };
}

function toDatapoint(namespace: string, datum: WireDatum, index: number, nowMs: number): Datapoint {
  const where = `MetricData.member.${index + 1}`;
  if (!datum.MetricName)
    throw new AwsServiceError('MissingParameter', `The parameter ${where}.MetricName is required.`);
  const dimensions: Record<string, string> = {};
  for (const d of datum.Dimensions ?? []) {
    if (!d.Name || d.Value === undefined)
      throw invalid(`The parameter ${where}.Dimensions must have Name and Value.`);
    dimensions[d.Name] = d.Value;
  }
  const timestampMs =
    datum.Timestamp === undefined
      ? nowMs
      : typeof datum.Timestamp === 'number'
        ? datum.Timestamp * 1000
        : Date.parse(datum.Timestamp);
  if (Number.isNaN(timestampMs)) throw invalid(`The parameter ${where}.Timestamp is invalid.`);
  const base = {
    namespace,
    metricName: datum.MetricName,
    dimensions,
    timestampMs,
    ...(datum.Unit ? { unit: datum.Unit } : {}),
  };
  if (datum.StatisticValues) {
    const s = datum.StatisticValues;
    return { ...base, sampleCount: s.SampleCount, sum: s.Sum, minimum: s.Minimum, maximum: s.Maximum };
  }
  if (datum.Values) {
    const counts = datum.Counts ?? datum.Values.map(() => 1);
    if (counts.length !== datum.Values.length)
      throw invalid(`The parameters ${where}.Values and Counts must be of the same size.`);
    if (datum.Values.length === 0) throw invalid(`The parameter ${where}.Values must not be empty.`);
    return {
      ...base,
      sampleCount: counts.reduce((a, b) => a + b, 0),
      sum: datum.Values.reduce((a, v, i) => a + v * (counts[i] ?? 1), 0),
      minimum: Math.min(...datum.Values),
      maximum: Math.max(...datum.Values),
    };
  }
  if (typeof datum.Value !== 'number')
    throw new AwsServiceError('MissingParameter', `The parameter ${where}.Value is required.`);
  return { ...base, sampleCount: 1, sum: datum.Value, minimum: datum.Value, maximum: datum.Value };
}
