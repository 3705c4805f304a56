import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_POLICY, parsePolicy } from '../../functions/core/policy.ts';

/** The README's policy example is the documentation people copy: it must be valid and true. */
describe('the README policy example', () => {
  it('parses, and spells out exactly the defaults', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration: the policy file'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml, 'a yaml block in the configuration section').toBeDefined();
    expect(parsePolicy(parseYaml(yaml as string), 'README')).toEqual(DEFAULT_POLICY);
  });
});
