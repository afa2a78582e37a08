import { checkCommand } from './check-command.js'
import { dnsCommand } from './dns-command.js'
import { doctorCommand } from './doctor-command.js'
import { serveCommand } from './serve-command.js'
import type { Command } from './usage.js'
import { validateCommand } from './validate-command.js'

/** Every `mailsetup` sub-command; a new one adds its file and a line here. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  validateCommand,
  checkCommand,
  dnsCommand,
  doctorCommand,
]
