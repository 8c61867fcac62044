import { createExtensionPoint } from './refs.ts';

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

/** Home-page status tiles; the key is the tile id. A site module can add its own tile. */
export const statusTiles = createExtensionPoint<StatusTileProvider>('core.statusTiles');
