import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDbControlStore, DynamoDbNotificationLog } from '../adapters/dynamodb-control-store.ts';
import type { Clock } from '../ports.ts';
import type { LocalStore } from './local-store.ts';

/** Where `sentinel approve|reject` leaves an answer for a running demo that holds the local store. */
export const PENDING_APPROVALS_DIR = 'pending-approvals';

/** A running demo marks the store it holds (`{ pid }`), so other commands hand answers over instead. */
export const HELD_BY_FILE = 'held-by-demo.json';

/** The pid of a live process holding the store in `stateDir`, if any. */
export async function storeHolder(stateDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, HELD_BY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number((JSON.parse(text) as { pid?: unknown }).pid);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // the holder is gone: a stale marker
  }
}

/** The kill switch and the notification log on the local store's table (same adapters as the cloud). */
export function localControl(local: LocalStore, clock: Clock) {
  return {
    control: new DynamoDbControlStore(local.documents, local.tableName),
    notificationLog: new DynamoDbNotificationLog(local.documents, local.tableName, clock),
  };
}
