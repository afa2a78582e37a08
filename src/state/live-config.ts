import { type ReloaderOptions, SettingsReloader } from './reload-settings.js'
import { watchConfig } from './watch-config.js'

export interface LiveConfig {
  readonly reloader: SettingsReloader
  /** Stops watching and listening for SIGHUP (shutdown). */
  readonly stop: () => void
}

/** Reloads the settings on SIGHUP (always) and when the config file changes (if it really did). */
export function startLiveConfig(options: ReloaderOptions & { readonly debounceMs?: number }): LiveConfig {
  const reloader = new SettingsReloader(options)
  const onSignal = () => reloader.reload('signal', true)
  process.on('SIGHUP', onSignal)
  const watcher = watchConfig(options.path, () => reloader.reload('file change'), {
    debounceMs: options.debounceMs,
    onError: reloader.watchFailed.bind(reloader),
  })
  return {
    reloader,
    stop: () => {
      process.off('SIGHUP', onSignal)
      watcher.close()
    },
  }
}
