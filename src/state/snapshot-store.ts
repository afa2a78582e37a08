import type { Snapshot } from './snapshot.js'

/**
 * Holds the snapshot that new requests read. A request takes `current` once at its start and keeps
 * that object, so replacing it (reload) never changes an answer half-way through.
 */
export class SnapshotStore {
  #current: Snapshot

  constructor(initial: Snapshot) {
    this.#current = initial
  }

  get current(): Snapshot {
    return this.#current
  }

  replace(next: Snapshot): void {
    this.#current = next
  }
}
