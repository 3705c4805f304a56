/** Workflow step `capture-state` — stub until its issue lands: fails with NotImplementedError (routes to Escalate). */
import { notImplementedHandler } from './not-implemented.ts';

export const handler = notImplementedHandler('capture-state');
