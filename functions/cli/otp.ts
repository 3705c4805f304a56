/**
 * `sentinel otp TEXT`: asks the OTP detector about one snippet, as ingestion would (with the
 * policy file's `otp` extensions). Prints the verdict, the rule and language that matched and
 * masked evidence — never the code itself. Exit 0 whatever the verdict.
 */
import { type Command, Option } from 'commander';
import { detectOtp, type OtpVerdict } from '../core/otp.ts';
import { loadPolicy } from '../local/policy-file.ts';

export function registerOtpCommand(program: Command): void {
  program
    .command('otp')
    .description(
      'is this snippet a verification-code / one-time-password message? (the otp_in_critical detector)',
    )
    .argument('<text>', 'the snippet ("-" reads it from stdin)')
    .addOption(new Option('--policy <file>', 'policy file (JSON or YAML) whose otp extensions apply'))
    .option('--json', 'print the verdict as JSON: {otp, rule?, language?, evidence?}')
    .addHelpText(
      'after',
      `
The evidence shows the words that matched with every code-shaped token masked (••••••).

Examples:
  $ sentinel otp "Your verification code is 482913"
  $ sentinel otp "Geben Sie 482913 ein, um sich anzumelden" --json
  $ pbpaste | sentinel otp - --policy policy.yaml`,
    )
    .action(async (text: string, options: { policy?: string; json?: boolean }) => {
      const policy = await loadPolicy(options.policy);
      const snippet = text === '-' ? await readStdin() : text;
      const verdict = detectOtp(snippet, policy.otp);
      process.stdout.write(options.json ? `${JSON.stringify(verdict)}\n` : `${formatVerdict(verdict)}\n`);
    });
}

export function formatVerdict(verdict: OtpVerdict): string {
  if (!verdict.otp) return 'not an OTP message';
  return `OTP message (rule ${verdict.rule}, language ${verdict.language ?? 'unknown'}): "${verdict.evidence}"`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
