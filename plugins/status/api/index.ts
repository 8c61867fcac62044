/** The status plugin's public surface: what other plugins and site modules may import. */
import { createServiceRef, type StatusTile } from '../../../sdk/index.ts';

export interface StatusService {
  /** Every registered tile, rendered; a tile that throws shows as `unknown` with the reason. */
  tiles(): Promise<StatusTile[]>;
}
export const statusService = createServiceRef<StatusService>('status.service');
