/** The status plugin's public surface: what other plugins and site modules may import. */
import { createExtensionPoint, createServiceRef } from '../../../sdk/index.ts';

export type TileState = 'green' | 'orange' | 'red' | 'unknown';

export interface StatusTile {
  id: string;
  title: string;
  state: TileState;
  /** One line a person reads at a glance. */
  summary: string;
  details?: Record<string, unknown>;
  /** Where the drill-down lives in the UI. */
  link?: string;
}

export interface StatusTileProvider {
  title: string;
  order?: number;
  link?: string;
  render(): Promise<Pick<StatusTile, 'state' | 'summary' | 'details'>> | Pick<StatusTile, 'state' | 'summary' | 'details'>;
}

/**
 * Home-page status tiles; the key is the tile id. The status plugin reads it; any plugin or site
 * module adds a tile (without requiring this plugin: while it is off, nobody shows the tiles).
 */
export const statusTiles = createExtensionPoint<StatusTileProvider>('status.tiles');

export interface StatusService {
  /** Every registered tile, rendered; a tile that throws shows as `unknown` with the reason. */
  tiles(): Promise<StatusTile[]>;
}
export const statusService = createServiceRef<StatusService>('status.service');
