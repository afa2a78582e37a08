#!/usr/bin/env node
import { runCli } from './cli/run-cli.js'

const io = {
  stdout: process.stdout.write.bind(process.stdout),
  stderr: process.stderr.write.bind(process.stderr),
  env: process.env,
}

runCli(process.argv.slice(2), io).then((code) => {
  // `serve` keeps the process alive through its listening socket; other commands end here.
  if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code
})
