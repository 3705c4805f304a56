/** Named domain failures: handlers and the CLI map them to answers and exit codes. */

export class SentinelError extends Error {
  override readonly name: string = 'SentinelError';
}

/** Input that cannot be used: names what is wrong, so the caller can fix it. */
export class ValidationError extends SentinelError {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length > 0 ? `${message}:\n  ${issues.join('\n  ')}` : message);
  }
}

/** The policy file is unreadable or breaks the schema. */
export class PolicyError extends SentinelError {
  override readonly name = 'PolicyError';
}

/** A request or batch larger than the configured limit. */
export class PayloadTooLargeError extends SentinelError {
  override readonly name = 'PayloadTooLargeError';
}

/**
 * A caller re-used a `batchId` for different content. Counting it would break "re-sending a batch
 * is a no-op"; dropping it silently would lose events: it is refused (HTTP 409), naming the id.
 */
export class BatchIdConflictError extends SentinelError {
  override readonly name = 'BatchIdConflictError';
  constructor(readonly batchId: string) {
    super(`batchId ${batchId} was already used for different events; send new events under a new batchId`);
  }
}
