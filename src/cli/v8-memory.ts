// How `serve` keeps V8's memory near what the service holds (issue 9: RSS under 100 MB at 100,000
// domains). Loading allocates several times what it keeps: the config text, its parsed tree and the
// intermediate lists are garbage once the snapshot is built.
import { createHook } from 'node:async_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// While settings load, nearly everything allocated survives, so V8 grows its young generation to
// 16 MiB per semi-space, and an idle service kept it: a quarter of its resident memory at 100,000
// domains. Growth is allowed again once serving: with 1 MiB for good, an Autodiscover POST cost three
// times the garbage collection (measured, 13 µs instead of 4). Serving grows it in one step, to the
// 16 MiB a busy Node server (the bench's bare one too) ends up with: doubling from 1 MiB took ten or
// more seconds of load, during which an autoconfig request cost 80-110 µs of CPU instead of 60-70
// (twice the collections, measured). The price: at 100,000 domains, RSS after 5 s of load was 130 MB
// instead of 124 (91 MB at start), and neither came down over 30 s idle.
const LOADING_YOUNG_GENERATION = '--semi-space-growth-factor=1'
const SERVING_YOUNG_GENERATION = '--semi-space-growth-factor=16'

export function keepYoungGenerationSmall(): void {
  setFlagsFromString(LOADING_YOUNG_GENERATION)
}

export function allowYoungGenerationGrowth(): void {
  setFlagsFromString(SERVING_YOUNG_GENERATION)
}

// Allocation-site pretenuring: once nearly every object from one allocation site has outlived a young
// collection, V8 allocates that site's objects straight in old memory. Right while settings load,
// when nearly everything survives; wrong while serving, where it tenured for good a few sites whose
// objects happened to outlive a collection under one kind of traffic. Their later objects, dead
// within a request but in old memory until a full collection, kept the young objects they point to
// alive through every young one: after the bench's autoconfig and POX scenarios, an Autodiscover v2
// JSON request cost 39 µs of CPU instead of 31, and garbage collection took 20 % of the service's
// time instead of 2 % (perf, pinned runs; a heuristic, so which build it hit varied). Serving makes
// no new pretenuring decisions.
const SERVING_PRETENURING = '--no-allocation-site-pretenuring'

export function stopPretenuring(): void {
  setFlagsFromString(SERVING_PRETENURING)
}

// Node's tick objects (`{ [async_id_symbol]: ..., callback, args }` in `process.nextTick`) get their
// maps from transitions V8 holds weakly. A full collection while no tick object was alive killed
// those maps; the next tick made new ones, and the literal's property-definition site in `nextTick`
// went megamorphic for good (V8 gives up on such a site at its second map): every tick of every
// request then defined its properties through a runtime call. Measured with `perf`: 7-9 % of an
// autoconfig request's CPU, absent from a bare Node server; in alternating runs 4-47 µs per request
// (22 in the median of six pairs). Two collections did it: the one before listening (below), and
// V8's memory reducer once the service had been idle for about 8 s. One tick object kept for good
// keeps its maps alive through any collection.
let keptTick: object | undefined

/** Keeps one tick object alive for the life of the process; only its first call does anything. */
export function keepTickMapsAlive(): void {
  if (keptTick !== undefined) return
  // The hook sees the tick object as it is made (the only async resource made while it is on); once
  // disabled, no hook is left to slow ticks down.
  const hook = createHook({
    init(_id, _type, _trigger, resource) {
      keptTick = resource
    },
  })
  hook.enable()
  process.nextTick(() => undefined)
  hook.disable()
}

/**
 * One full collection, now. After loading, V8 would keep the load's garbage (about 20 MB at 100,000
 * domains) until its memory reducer runs, seconds later or not at all under steady traffic. Collected
 * just before listening (25-30 ms at 100,000 domains, measured), resident memory is 10-15 MB lower
 * once the service says it listens: this collection sweeps on the calling thread, so the freed pages
 * are returned before it ends (swept concurrently, they came back 30-50 ms later).
 * `--expose-gc` only reaches contexts created while it is set, so the function comes from a fresh
 * context and the flags are restored: no `gc` appears on the service's globals.
 */
export function collectGarbage(): void {
  keepTickMapsAlive()
  setFlagsFromString('--expose-gc --no-concurrent-sweeping')
  try {
    const gc = runInNewContext('gc') as () => void
    gc()
  } finally {
    setFlagsFromString('--no-expose-gc --concurrent-sweeping')
  }
}
