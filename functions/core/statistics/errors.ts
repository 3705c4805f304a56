import { SentinelError } from '../errors.ts';

/** A statistical function was asked something outside its domain (a programming error upstream). */
export class StatisticsError extends SentinelError {
  override readonly name = 'StatisticsError';
}
