import t from 'tap'
import { createLogger } from '../src/logging/logger.js'
import { requestLineWriter } from '../src/logging/request-line.js'
import { captureLogs } from './helpers/log-capture.js'

const withoutTime = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => {
      const { time, ...rest } = JSON.parse(line) as { time: number }
      return { timeIsNumber: typeof time === 'number', ...rest }
    })

t.test('the request line is exactly what pino writes for the same fields', async (t) => {
  const lines = [
    { reqId: 'req-1', method: 'GET', path: '/mail/config-v1.1.xml', status: 200, ms: 0 },
    { reqId: 'req-2z', method: 'POST', path: '/a "quoted"\\path/\u00e9\n', status: 600, ms: 12 },
  ]
  const ours = captureLogs()
  const pinos = captureLogs()
  const write = requestLineWriter(createLogger('info', ours.stream))
  const logger = createLogger('info', pinos.stream)
  for (const line of lines) {
    write(line)
    logger.info(line, 'request')
  }
  t.same(withoutTime(ours.text()), withoutTime(pinos.text()))
  t.equal(
    ours
      .text()
      .split('\n')[0]
      ?.replace(/"time":\d+/, ''),
    pinos
      .text()
      .split('\n')[0]
      ?.replace(/"time":\d+/, ''),
  )
})

t.test('nothing is written when the level is above info', async (t) => {
  const logs = captureLogs()
  requestLineWriter(createLogger('warn', logs.stream))({
    reqId: 'r',
    method: 'GET',
    path: '/',
    status: 200,
    ms: 1,
  })
  t.equal(logs.text(), '')
})
