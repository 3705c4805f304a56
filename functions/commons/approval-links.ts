import type { ApprovalLinks } from '../core/workflow/approval.ts';
import { readSecret } from './clients/secrets-manager.ts';
import { requireEnv } from './env.ts';
import { once } from './once.ts';

/** The approval link signing key, read once per container and only when a link is signed or checked. */
export const signingKeyFromEnv = once(() => readSecret(requireEnv('APPROVAL_SIGNING_SECRET_ARN')));

/** Signed one-click links, when the stack has an approval endpoint (APPROVAL_URL). */
export function approvalLinksFromEnv(): ApprovalLinks | undefined {
  const baseUrl = process.env.APPROVAL_URL;
  if (!baseUrl) return undefined;
  return { baseUrl, signingKey: signingKeyFromEnv };
}
