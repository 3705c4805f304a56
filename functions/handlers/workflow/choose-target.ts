/** Workflow step `choose-target` — stub until its issue lands: fails with NotImplementedError (routes to Escalate). */
import { notImplementedHandler } from './not-implemented.ts';

export const handler = notImplementedHandler('choose-target');
