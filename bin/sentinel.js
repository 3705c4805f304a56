#!/usr/bin/env node
// Launcher for `sentinel`: runs the TypeScript entry through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

// The local CLI uses the AWS SDK only against the embedded dynalite; its notice that future SDK
// releases need Node 22 is for the Lambda runtime (Node 24) and would only clutter the output here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('./sentinel.ts');
