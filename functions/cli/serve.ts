import type { Policy } from '../core/policy.ts';
import { makeIngestHandler } from '../handlers/ingest.ts';
import { startIngestServer } from '../local/http-server.ts';
import { openLocalStore } from '../local/local-store.ts';

/**
 * `sentinel serve`: the ingest Lambda's handler on 127.0.0.1, writing to the local store, until
 * the process is interrupted.
 */
export async function serve(options: { port: number; stateDir: string; policy: Policy }): Promise<void> {
  const local = await openLocalStore(options.stateDir, options.policy);
  const handler = makeIngestHandler({ store: local.store, policy: options.policy });
  const server = await startIngestServer({
    port: options.port,
    host: '127.0.0.1',
    handler: (event) => handler(event),
  });
  process.stderr.write(
    `sentinel: ingesting on ${server.url} (POST a JSON array of events or {"batchId", "events"}); Ctrl-C stops\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await local.close();
}
