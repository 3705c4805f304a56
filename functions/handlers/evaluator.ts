/** The `evaluator` Lambda — stub until its issue lands: fails with NotImplementedError, never fakes success. */
import { notImplementedHandler } from './workflow/not-implemented.ts';

export const handler = notImplementedHandler('evaluator');
