import { writeFileSync } from 'node:fs'
import t from 'tap'
import { CLI_ENTRY, runInProcess, spawnCli } from './helpers/cli.js'
import { BUNDLED_CONFIG } from './helpers/settings.js'

t.test('overview and help', async (t) => {
  const bare = await runInProcess([])
  t.equal(bare.code, 2, 'no command is a usage mistake')
  t.match(bare.stdout, /Usage: mailsetup <command>/)
  t.match(bare.stdout, /serve .*validate/s)
  const appHelp = await runInProcess(['--help'])
  t.equal(appHelp.code, 0)
  const help = await runInProcess(['help'])
  t.equal(help.code, 0)
  for (const command of ['serve', 'validate']) {
    const res = await runInProcess([command, '--help'])
    t.equal(res.code, 0)
    t.match(res.stdout, new RegExp(`Usage: mailsetup ${command}`))
  }
  const unknown = await runInProcess(['frobnicate'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /unknown command "frobnicate"/)
})

t.test('validate: OK, warnings, and every problem of a broken file', async (t) => {
  const ok = await runInProcess(['validate', BUNDLED_CONFIG])
  t.equal(ok.code, 0)
  t.match(ok.stdout, /OK \(2 domains, 1 aliases, 0 warnings\)/)
  const fromEnv = await runInProcess(['validate'], { MAILSETUP_CONFIG: BUNDLED_CONFIG })
  t.equal(fromEnv.code, 0)
  const dir = t.testdir({
    'warn.yaml':
      'provider: {id: mail.w.example, name: W, shortName: W}\ndefaults:\n  incoming: [{type: imap, hostname: imap.w.example, port: 143, security: none}]\n  outgoing: [{type: smtp, hostname: smtp.w.example, port: 587, security: starttls}]\ndomains: [{name: w.example}]\n',
    'broken.yaml':
      'provider: {id: mail.w.example, name: W, shortName: W, colour: red}\ndomains:\n  - name: w.example\n    incoming: [{type: imap, hostname: imap.w.example, port: 99999, security: tls}]\n',
  })
  const warn = await runInProcess(['validate', `${dir}/warn.yaml`])
  t.equal(warn.code, 0)
  t.match(
    warn.stdout,
    /warning: .*warn\.yaml:3: defaults\.incoming\[0\]\.security: passwords travel in clear/,
  )
  const broken = await runInProcess(['validate', `${dir}/broken.yaml`])
  t.equal(broken.code, 1)
  t.match(broken.stderr, /error: .*broken\.yaml:4: domains\[0\]\.incoming\[0\]\.port:/)
  t.match(broken.stderr, /error: .*broken\.yaml:1: provider\.colour: unknown key/)
  t.match(broken.stderr, /2 problems in the configuration/)
  const twoArgs = await runInProcess(['validate', 'a', 'b'])
  t.equal(twoArgs.code, 2)
  t.match(twoArgs.stderr, /at most one config path/)
})

t.test('serve: usage mistakes and a broken config give one clear message, no stack trace', async (t) => {
  const extra = await runInProcess(['serve', 'now'])
  t.equal(extra.code, 2)
  t.match(extra.stderr, /serve takes no arguments/)
  const badPort = await runInProcess(['serve'], { PORT: 'x' })
  t.equal(badPort.code, 2)
  t.match(badPort.stderr, /PORT must be an integer/)
  const dir = t.testdir({ 'bad.yaml': 'provider: 1\n' })
  const broken = await runInProcess(['serve'], {
    MAILSETUP_CONFIG: `${dir}/bad.yaml`,
    PORT: '0',
    LOG_LEVEL: 'silent',
  })
  t.equal(broken.code, 1)
  t.match(broken.stderr, /bad\.yaml:1: provider: expected object/)
  t.notMatch(broken.stderr, /\bat .*\.ts:\d+/)
})

t.test('unexpected failures are one line with exit code 1', async (t) => {
  const dir = t.testdir({})
  writeFileSync(`${dir}/unreadable.yaml`, 'x')
  const res = await runInProcess(['serve'], {
    MAILSETUP_CONFIG: BUNDLED_CONFIG,
    PORT: '1',
    HOST: '203.0.113.1',
    LOG_LEVEL: 'silent',
  })
  t.equal(res.code, 1)
  t.match(res.stderr, /^mailsetup serve: .*\n$/)
})

t.test('the real executable: validate exit codes, serve answers and stops on SIGTERM', async (t) => {
  t.ok(CLI_ENTRY.endsWith('dist/cli.js'))
  const validate = await spawnCli(['validate', BUNDLED_CONFIG]).done
  t.equal(validate.code, 0)
  t.match(validate.stdout, /OK/)
  const invalid = await spawnCli(['validate', '/nonexistent.yaml']).done
  t.equal(invalid.code, 1)
  t.match(invalid.stderr, /cannot read the file \(ENOENT\)/)
  const serve = spawnCli(['serve'], {
    MAILSETUP_CONFIG: BUNDLED_CONFIG,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  })
  const url = await new Promise<string>((resolve) => {
    const timer = setInterval(() => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(serve.output())
      if (match) {
        clearInterval(timer)
        resolve(match[1] as string)
      }
    }, 20)
  })
  const res = await fetch(`${url}/mail/config-v1.1.xml?emailaddress=alice@example.com`)
  t.equal(res.status, 200)
  serve.child.kill('SIGTERM')
  const stopped = await serve.done
  t.equal(stopped.code, 0, 'exits cleanly on SIGTERM')
  t.match(stopped.stdout, /"signal":"SIGTERM"/)
  t.notMatch(stopped.stdout, /alice/, 'no address in the logs')
})

t.test('validate defaults to config/mailsetup.yaml', async (t) => {
  const res = await runInProcess(['validate'])
  t.equal(res.code, 0)
  t.match(res.stdout, /^config\/mailsetup\.yaml: OK/m)
})
