import type { ClientView } from '../http/client-address.js'
import type { SnapshotStore } from '../state/snapshot-store.js'

/** What every route family gets: the store to read the current snapshot from, once per request. */
export interface RouteContext {
  readonly store: SnapshotStore
  /** False once shutdown has begun, so load balancers stop sending new requests. */
  readonly isReady: () => boolean
  /** Client address and requested Host under `service.trustProxy`. */
  readonly client: ClientView
}
