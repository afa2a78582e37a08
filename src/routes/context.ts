import type { SnapshotStore } from '../state/snapshot-store.js'

/** What every route family gets: the store to read the current snapshot from, once per request. */
export interface RouteContext {
  readonly store: SnapshotStore
  /** False once shutdown has begun, so load balancers stop sending new requests. */
  readonly isReady: () => boolean
}
