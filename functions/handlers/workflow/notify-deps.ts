import { systemClock } from '../../commons/env.ts';
import { notifierFromEnv } from '../../commons/notifier.ts';
import { incidentStoreFromEnv } from '../../commons/table.ts';
import type { NotifyDeps } from '../../core/workflow/notify.ts';

/** The steps that tell people something: the incident record and the two topics. */
export function notifyDepsFromEnv(): NotifyDeps {
  return { incidents: incidentStoreFromEnv(), notifier: notifierFromEnv(), clock: systemClock };
}
