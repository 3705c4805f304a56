/**
 * The local GitHub as a process of its own: `node --import tsx github-server-main.ts '<options
 * JSON>'` serves a bare repository and prints `{"baseUrl": …}` on its first stdout line. GitHub
 * is another host; here it also keeps each git command's fork cheap, which a runtime process
 * holding fourteen Lambda environments would make slow.
 */
import { type LocalGitHubOptions, LocalGitHubServer } from './github-server.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as LocalGitHubOptions;
const server = new LocalGitHubServer(options);
await server.start();
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);
const stop = () => void server.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent closing our stdin means it is gone: do not outlive it.
process.stdin.on('end', stop).resume();
