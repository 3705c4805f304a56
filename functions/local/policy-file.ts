import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { PolicyError } from '../core/errors.ts';
import { DEFAULT_POLICY, type Policy, parsePolicy } from '../core/policy.ts';

/** Loads a JSON or YAML policy file; without a path, the embedded defaults from the runbook. */
export async function loadPolicy(path?: string): Promise<Policy> {
  if (path === undefined) return DEFAULT_POLICY;
  return parsePolicy(await readPolicyDocument(path), `policy file ${path}`);
}

/**
 * The policy file as written (validated), for a stack's `policy` context: the stack applies the
 * defaults itself, as `cdk deploy -c policyFile=…` does. Without a path, `{}`.
 */
export async function loadPolicyDocument(path?: string): Promise<unknown> {
  if (path === undefined) return {};
  const document = await readPolicyDocument(path);
  parsePolicy(document, `policy file ${path}`);
  return document;
}

async function readPolicyDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PolicyError(
      `cannot read policy file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  try {
    return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new PolicyError(
      `policy file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
}
