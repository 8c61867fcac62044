/** The roaming plugin's public surface: what other plugins and site modules may import. */
import { createServiceRef } from '../../../sdk/index.ts';

/** What one server says of its link to one peer cluster. */
export interface LinkStatus {
  serverId: number;
  server: string;
  clusterId: number;
  peerClusterId: number;
  /** chan_iax2's and pbx_dundi's qualify words: OK, LAGGED, UNREACHABLE, UNKNOWN; `missing` when the peer is not loaded at all. */
  iax: string;
  dundi: string;
  iaxMs: number | null;
  dundiMs: number | null;
}

export interface RoamingService {
  /** The links as the servers answered at the last poll (every 30 s), of one server or all. */
  links(serverId?: number): LinkStatus[];
}
export const roamingService = createServiceRef<RoamingService>('roaming.service');
