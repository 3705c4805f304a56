import type { Clock, IncidentStore, MetricsStore, WorkflowStarter } from '../../ports.ts';
import { parseDuration } from '../duration.ts';
import { loadEvaluationInput } from '../evaluation-input.ts';
import type { Policy } from '../policy.ts';
import { evaluateVersion } from '../triggers/evaluate.ts';
import type { Evaluation } from '../triggers/types.ts';
import { type DispatchResult, dispatch } from './dispatch.ts';

export interface TickDeps {
  metrics: MetricsStore;
  incidents: IncidentStore;
  workflow: WorkflowStarter;
  clock: Clock;
  policy: Policy;
}

export interface TickResult {
  evaluation: Evaluation;
  dispatch: DispatchResult;
}

/**
 * One scheduled tick: judge every version seen in live traffic recently (a rolled-back version
 * stops being judged once its traffic stops) and dispatch what breaches.
 */
export async function evaluateAndDispatch(deps: TickDeps): Promise<TickResult[]> {
  const now = deps.clock.now().getTime();
  const activeSince = now - parseDuration(deps.policy.evaluator.activeWithin);
  const sightings = await deps.metrics.listVersionSightings();
  const results: TickResult[] = [];
  for (const sighting of sightings.filter((candidate) => candidate.lastSeen >= activeSince)) {
    const evaluation = evaluateVersion(
      await loadEvaluationInput(deps.metrics, deps.policy, now, sighting.version),
    );
    const outcome = await dispatch(
      { incidents: deps.incidents, workflow: deps.workflow, clock: deps.clock, service: deps.policy.service },
      evaluation,
    );
    results.push({ evaluation, dispatch: outcome });
  }
  return results;
}
