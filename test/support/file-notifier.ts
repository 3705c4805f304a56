import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Notification, Notifier } from '../../functions/ports.ts';

/**
 * A stand-in for the two SNS topics, for tests that run steps in process: each message is kept in
 * `sent`, appended as one JSON line to `<dir>/<topic>.jsonl` and, when `echo` is given, passed to it.
 */
export class FileNotifier implements Notifier {
  readonly sent: Notification[] = [];

  constructor(
    private readonly directory: string,
    private readonly echo?: (notification: Notification) => void,
  ) {}

  async publish(notification: Notification): Promise<void> {
    const path = `${this.directory}/${notification.topic}.jsonl`;
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, `${JSON.stringify(notification)}\n`);
    this.sent.push(notification);
    this.echo?.(notification);
  }
}
