/** CDK app entry (cdk.json: `npx tsx bin/app.ts`). The construction lives in lib/app.ts. */
import { buildApp } from '../lib/app.ts';

buildApp({ nag: true });
