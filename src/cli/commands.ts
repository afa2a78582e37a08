import type { Command } from './usage.js'

/** A sub-command by name; its module (and everything it imports) loads only when it is needed. */
export interface CommandEntry {
  readonly name: string
  readonly load: () => Promise<Command>
}

/**
 * Every `mailsetup` sub-command; a new one adds its file and a line here. Loaded on demand, so `serve`
 * starts without the modules of `check`, `dns` and `doctor` (issue 9: start-up under a second).
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', load: async () => (await import('./serve-command.js')).serveCommand },
  { name: 'validate', load: async () => (await import('./validate-command.js')).validateCommand },
  { name: 'check', load: async () => (await import('./check-command.js')).checkCommand },
  { name: 'dns', load: async () => (await import('./dns-command.js')).dnsCommand },
  { name: 'doctor', load: async () => (await import('./doctor-command.js')).doctorCommand },
]
