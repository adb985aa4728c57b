/**
 * Where the ui's events and host map come from: the monitor and the map of src/api, loaded when
 * the ui starts. Until they exist in this build, the server says so (501 / a closed socket).
 */
import type { UiOptions } from './server.js';

export async function uiSources(): Promise<Pick<UiOptions, 'events' | 'map'>> {
  return {};
}
