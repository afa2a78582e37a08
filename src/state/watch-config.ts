import { watch } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'

export interface ConfigWatcher {
  readonly close: () => void
}

export interface WatchOptions {
  /** One save makes several events (write, rename, chmod); wait for quiet before reloading. */
  readonly debounceMs?: number
  readonly onError: (error: Error) => void
}

/**
 * Whether a change to `name` in the config's directory may change the config. Kubernetes mounts a
 * ConfigMap as `mailsetup.yaml -> ..data/mailsetup.yaml` and swaps it by renaming `..data_tmp` onto
 * `..data`, so those names count too. Some platforms report no name: assume it is ours.
 */
export function concernsConfig(name: string | null, configFile: string): boolean {
  return name === null || name === configFile || name.startsWith('..')
}

/**
 * Calls `onChange` once a burst of changes to the config file has settled. Watches the directory, not
 * the file: editors save by writing a new file and renaming it over the old one, and Kubernetes
 * re-points a symlink, so a watch on the file's first inode would miss every later version.
 */
export function watchConfig(path: string, onChange: () => void, options: WatchOptions): ConfigWatcher {
  const file = basename(path)
  const debounceMs = options.debounceMs ?? 200
  let timer: NodeJS.Timeout | undefined
  const watcher = watch(dirname(resolve(path)), { persistent: false }, (_event, name) => {
    if (!concernsConfig(name, file)) return
    clearTimeout(timer)
    timer = setTimeout(onChange, debounceMs)
  })
  watcher.on('error', options.onError)
  return {
    close: () => {
      clearTimeout(timer)
      watcher.close()
    },
  }
}
