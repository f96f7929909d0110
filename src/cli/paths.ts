import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The folder where the desktop app keeps its database (Electron's userData for an app named
 * ParkPilot), so the web-shell fallback of `npm start` opens the very same file.
 */
export function userDataDir(): string {
  const home = homedir();
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ParkPilot');
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'ParkPilot');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'ParkPilot');
}

export const defaultDatabase = () => join(userDataDir(), 'parkpilot.db');
