import { CommandSmokeClassifier, HttpSmokeClassifier } from '../adapters/smoke-classifiers.ts';
import type { Policy } from '../core/policy.ts';
import type { SmokeClassifier } from '../ports.ts';

/**
 * The smoke classifier policy `validation.smoke` asks for. The workflow's Lambda can only call an
 * endpoint (`url`); `sentinel rollback` on a workstation (`allowCommand`) prefers the command.
 * Undefined when the variant cannot run here: the revert then fails with SmokeCheckUnavailableError.
 */
export function smokeClassifierFor(
  policy: Pick<Policy, 'validation'>,
  options: { allowCommand?: boolean; cwd?: string } = {},
): SmokeClassifier | undefined {
  const { url, command } = policy.validation.smoke;
  if (options.allowCommand && command !== undefined)
    return new CommandSmokeClassifier(command, { cwd: options.cwd });
  return url === undefined ? undefined : new HttpSmokeClassifier(url);
}
