import { userInfo } from 'node:os';
import { describeControl, pause, resume } from '../core/control/kill-switch.ts';
import { localControl } from '../local/control.ts';
import { openLocalStore } from '../local/local-store.ts';
import type { ControlState } from '../ports.ts';

const systemClock = { now: () => new Date() };

/** Who a CLI action is recorded as: `--by`, else the OS user at the CLI. */
export function actorName(by: string | undefined): string {
  if (by?.trim()) return by.trim();
  try {
    return `${userInfo().username}@cli`;
  } catch {
    return 'unknown@cli';
  }
}

async function withControl<T>(stateDir: string, work: (deps: ReturnType<typeof localControl>) => Promise<T>) {
  const local = await openLocalStore(stateDir);
  try {
    return await work(localControl(local, systemClock));
  } finally {
    await local.close();
  }
}

export type ControlAction = 'pause' | 'resume' | 'status';

/** `sentinel pause | resume | status` on the local store. */
export async function controlCommand(
  action: ControlAction,
  options: { stateDir: string; by?: string; reason?: string },
): Promise<{ state: ControlState; text: string }> {
  const state = await withControl(options.stateDir, async ({ control }) => {
    if (action === 'status') return control.get();
    const deps = { control, clock: systemClock };
    return action === 'pause'
      ? pause(deps, actorName(options.by), options.reason ?? 'paused from the CLI')
      : resume(deps, actorName(options.by), options.reason);
  });
  return { state, text: describeControl(state) };
}
