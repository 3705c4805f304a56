/**
 * `sentinel policy`: the effective policy — the runbook's defaults with a policy file's
 * overrides — validated, as YAML (or JSON), so people can see every number Sentinel acts on.
 */
import { type Command, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import { loadPolicy } from '../local/policy-file.ts';

export function registerPolicyCommand(program: Command): void {
  program
    .command('policy')
    .description('print the effective policy: the runbook defaults plus your policy file, validated')
    .addOption(
      new Option('--policy <file>', 'policy file (JSON or YAML) to validate and merge over the defaults'),
    )
    .option('--json', 'print JSON instead of YAML')
    .addHelpText(
      'after',
      `
Examples:
  $ sentinel policy > policy.yaml            # start a policy file from the defaults
  $ sentinel policy --policy policy.yaml      # check a file: a bad field is named, exit 1`,
    )
    .action(async (options: { policy?: string; json?: boolean }) => {
      const policy = await loadPolicy(options.policy);
      process.stdout.write(options.json ? `${JSON.stringify(policy, null, 2)}\n` : toYaml(policy));
    });
}
