/**
 * Resuming a waiting execution with a person's answer (SendTaskSuccess in the cloud), with bounded
 * retries on the failures that may pass. The errors are judged by name and the SDK's own markers
 * (`$retryable`, `$metadata.httpStatusCode`), so core needs no SDK import and a test's fake can
 * throw plain named errors.
 */

export interface ResumeOutput {
  approved: boolean;
  by: string;
  note: string;
}

export type Resume = (taskToken: string, output: ResumeOutput) => Promise<void>;

export type ResumeFailure = 'transient' | 'gone' | 'failed';

/** Step Functions' answers meaning the execution no longer waits for this token. */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist']);

const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export function classifyResumeError(error: unknown): ResumeFailure {
  if (!(error instanceof Error)) return 'failed';
  if (GONE.has(error.name)) return 'gone';
  const marked = error as Error & {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    code?: string;
  };
  if (TRANSIENT.has(error.name) || marked.$retryable !== undefined) return 'transient';
  if ((marked.$metadata?.httpStatusCode ?? 0) >= 500) return 'transient';
  if (marked.code !== undefined && NETWORK_CODES.has(marked.code)) return 'transient';
  return 'failed';
}

/** Attempts in all, and the pause before each retry (doubling): well inside the Lambda's 30 s. */
export const RESUME_ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 200;

export type ResumeResult =
  | { ok: true; attempts: number }
  | { ok: false; failure: 'gone' | 'failed'; error: string; attempts: number };

export async function resumeWithRetries(
  deps: { resume: Resume; sleep: (ms: number) => Promise<void> },
  taskToken: string,
  output: ResumeOutput,
): Promise<ResumeResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.resume(taskToken, output);
      return { ok: true, attempts: attempt };
    } catch (error) {
      const failure = classifyResumeError(error);
      if (failure !== 'transient' || attempt >= RESUME_ATTEMPTS) {
        const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return { ok: false, failure: failure === 'gone' ? 'gone' : 'failed', error: text, attempts: attempt };
      }
      await deps.sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}
