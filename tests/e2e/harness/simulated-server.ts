import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { type RunningServer, startServer } from './server.ts';

/** The provider simulator, and the real server with the simulator allowed by its CSP. */
export async function startSimulatedServer(): Promise<{ sim: Simulator; server: RunningServer }> {
  const sim = await startSimulator();
  const server = await startServer({ env: { ORCHESTRA_CONNECT_SRC: sim.origin } });
  return { sim, server };
}

export async function stopSimulatedServer(running: { sim: Simulator; server: RunningServer }): Promise<void> {
  await running.server.stop();
  await running.sim.close();
}
