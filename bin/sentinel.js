#!/usr/bin/env node
// Launcher for `sentinel`: runs the TypeScript entry through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('./sentinel.ts');
