import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per Lambda; log only counts, ids and fields — never email snippets. */
export const logger = new Logger({ serviceName: 'rollback-sentinel' });
