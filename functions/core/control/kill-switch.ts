import type { Clock, ControlState, ControlStore } from '../../ports.ts';

export interface ControlDeps {
  control: ControlStore;
  clock: Clock;
}

/** `sentinel pause`: from now on no workflow writes to the application repository. */
export async function pause(deps: ControlDeps, by: string, reason: string): Promise<ControlState> {
  const state: ControlState = { paused: true, by, at: deps.clock.now().toISOString(), reason };
  await deps.control.set(state);
  return state;
}

/** `sentinel resume`: repository writes are allowed again (incidents refused meanwhile stay escalated). */
export async function resume(deps: ControlDeps, by: string, reason = 'resumed'): Promise<ControlState> {
  const state: ControlState = { paused: false, by, at: deps.clock.now().toISOString(), reason };
  await deps.control.set(state);
  return state;
}

export function describeControl(state: ControlState): string {
  const who = [state.by && `by ${state.by}`, state.at && `at ${state.at}`].filter(Boolean).join(' ');
  const why = state.reason ? ` (${state.reason})` : '';
  return state.paused
    ? `PAUSED${who ? ` ${who}` : ''}${why}: no repository writes; incidents are still recorded and notified`
    : `active${who ? ` (last change ${who}${why})` : ''}: rollbacks may write to the repository`;
}
