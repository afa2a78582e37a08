#!/usr/bin/env node
import { runCli } from './cli/run-cli.js'

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
  env: process.env,
}

runCli(process.argv.slice(2), io).then((code) => {
  // `serve` keeps the process alive through its listening socket; other commands end here.
  if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code
})
