// The container and cluster files, checked offline (no Docker engine or cluster here): lint what
// has a linter, and check the fields that make the deployment work against each other.
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { parseSettings } from '../src/settings/load-settings.js'

const root = new URL('../', import.meta.url).pathname
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8')

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form YAML, checked field by field
type Doc = any

t.test('the Dockerfile passes dockerfilelint', async (t) => {
  const lint = spawnSync(
    process.execPath,
    [`${root}node_modules/dockerfilelint/bin/dockerfilelint`, `${root}Dockerfile`],
    {
      encoding: 'utf8',
    },
  )
  t.equal(lint.status, 0, lint.stdout)
})

t.test('the Dockerfile builds in stages and runs unprivileged', async (t) => {
  const lines = read('Dockerfile').split('\n')
  const froms = lines.filter((l) => l.startsWith('FROM '))
  t.equal(froms.length, 2, 'a build stage and a runtime stage')
  t.match(froms[0], /^FROM node:\d+-alpine AS build$/)
  t.match(froms[1], /^FROM node:\d+-alpine$/)
  t.ok(lines.includes('RUN npm ci --no-audit --no-fund'))
  t.ok(lines.some((l) => l.includes('npm run build') && l.includes('npm prune --omit=dev')))
  t.ok(lines.includes('USER 1000:1000'), 'numeric non-root user')
  const health = lines.findIndex((l) => l.startsWith('HEALTHCHECK '))
  t.match(
    lines[health + 1],
    /CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:'\+\(process\.env\.PORT\|\|8080\)\+'\/healthz'\)/,
  )
  t.notOk(
    lines.some((l) => !l.startsWith('#') && /curl|wget/.test(l)),
    'no extra tools',
  )
  const ignore = read('.dockerignore').split('\n')
  for (const entry of ['node_modules', 'dist', '.git', 'test'])
    t.ok(ignore.includes(entry), `.dockerignore: ${entry}`)
  for (const needed of ['src', 'config', 'package.json', 'package-lock.json'])
    t.notOk(ignore.includes(needed))
  // Whatever the build copies from the context must reach it (scripts/bundle.mjs, for one).
  const copied = lines
    .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
    .flatMap((l) => l.split(/\s+/).slice(1, -1))
  t.ok(copied.includes('scripts/bundle.mjs'), 'the bundle script is copied')
  for (const source of copied)
    t.notOk(ignore.includes(source.split('/')[0] as string), `${source} is not in .dockerignore`)
})

t.test('docker-compose.yml validates and wires the proxy to mailsetup', async (t) => {
  execFileSync('docker-compose', ['-f', `${root}docker-compose.yml`, 'config', '-q'], { cwd: root })
  t.pass('docker-compose config -q')
  const compose: Doc = parseYaml(read('docker-compose.yml'))
  const { mailsetup, caddy } = compose.services
  t.equal(mailsetup.restart, 'unless-stopped')
  t.equal(caddy.restart, 'unless-stopped')
  t.same(mailsetup.volumes, ['./deploy/compose/config:/etc/mailsetup:ro'], 'config mounted read-only')
  t.equal(mailsetup.environment.MAILSETUP_CONFIG, '/etc/mailsetup/mailsetup.yaml')
  t.equal(mailsetup.read_only, true)
  t.match(mailsetup.healthcheck.test.join(' '), /fetch\('http:\/\/127\.0\.0\.1:8080\/healthz'\)/)
  t.ok(caddy.healthcheck)
  t.same(caddy.depends_on, { mailsetup: { condition: 'service_healthy' } })
  t.ok(caddy.volumes.includes('./deploy/compose/Caddyfile:/etc/caddy/Caddyfile:ro'))
  const caddyfile = read('deploy/compose/Caddyfile')
  t.match(caddyfile, /on_demand_tls \{\n\t\task http:\/\/mailsetup:8080\/tls-allowed\n/)
  t.match(caddyfile, /tls \{\n\t\ton_demand\n/)
  const { settings } = parseSettings(read('deploy/compose/config/mailsetup.yaml'), 'compose')
  t.same(settings.service.trustProxy, ['loopback', 'uniquelocal'], 'trusts the proxy on the compose network')
})

function manifests(): Doc[] {
  const kustomization: Doc = parseYaml(read('deploy/kubernetes/kustomization.yaml'))
  return kustomization.resources.flatMap((file: string) =>
    parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0]
      return doc.toJS()
    }),
  )
}

t.test('the Kubernetes manifests fit together', async (t) => {
  const docs = manifests()
  const find = (kind: string) => docs.find((d) => d.kind === kind)
  t.same(docs.map((d) => d.kind).sort(), [
    'ConfigMap',
    'Deployment',
    'HorizontalPodAutoscaler',
    'Ingress',
    'PodDisruptionBudget',
    'Service',
  ])
  const deployment = find('Deployment')
  const pod = deployment.spec.template.spec
  const [container] = pod.containers
  const labels = deployment.spec.template.metadata.labels
  t.same(deployment.spec.selector.matchLabels, labels)
  t.ok(deployment.spec.replicas >= 2)

  // Probes on the health endpoints, on a port the container declares.
  const ports = new Map(container.ports.map((p: Doc) => [p.name, p.containerPort]))
  t.same(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' })
  t.same(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' })
  t.equal(ports.get('http'), 8080)
  const env = new Map(container.env.map((e: Doc) => [e.name, e.value]))
  t.equal(env.get('PORT'), '8080')
  t.equal(Number(env.get('METRICS_PORT')), ports.get('metrics'))

  // Unprivileged, read-only root filesystem, bounded resources.
  t.equal(pod.securityContext.runAsNonRoot, true)
  t.equal(pod.securityContext.runAsUser, 1000)
  t.equal(container.securityContext.readOnlyRootFilesystem, true)
  t.equal(container.securityContext.allowPrivilegeEscalation, false)
  t.same(container.securityContext.capabilities.drop, ['ALL'])
  t.ok(container.resources.requests.cpu && container.resources.requests.memory)
  t.ok(container.resources.limits.memory)

  // Shutdown fits in the grace period: preStop wait, then requests in flight.
  const preStopMs = Number(
    /setTimeout\(\(\) => \{\}, (\d+)\)/.exec(container.lifecycle.preStop.exec.command.join(' '))?.[1],
  )
  t.ok(preStopMs + Number(env.get('SHUTDOWN_TIMEOUT_MS')) < pod.terminationGracePeriodSeconds * 1000)

  // The config: the ConfigMap mounted as a directory at the path MAILSETUP_CONFIG names, and valid.
  const configMap = find('ConfigMap')
  const mount = container.volumeMounts.find((m: Doc) => m.name === 'config')
  const volume = pod.volumes.find((v: Doc) => v.name === 'config')
  t.equal(volume.configMap.name, configMap.metadata.name)
  t.equal(mount.readOnly, true)
  t.notOk(mount.subPath, 'a subPath mount would never see ConfigMap updates')
  const file = env.get('MAILSETUP_CONFIG') as string
  t.equal(file, `${mount.mountPath}/mailsetup.yaml`)
  const { settings } = parseSettings(configMap.data['mailsetup.yaml'], 'configmap')
  t.same(settings.service.trustProxy, ['loopback', 'uniquelocal'])

  // Service → pods; Ingress → Service, with TLS for every autoconfig./autodiscover. host.
  const service = find('Service')
  t.same(service.spec.selector, labels)
  for (const port of service.spec.ports) t.ok(ports.has(port.targetPort), `Service port ${port.name}`)
  const ingress = find('Ingress')
  const tlsHosts = ingress.spec.tls.flatMap((entry: Doc) => entry.hosts)
  const expected = settings.domains.flatMap((d) => [`autoconfig.${d.name}`, `autodiscover.${d.name}`])
  t.same(ingress.spec.rules.map((r: Doc) => r.host).sort(), expected.sort())
  t.same([...tlsHosts].sort(), expected.sort())
  for (const rule of ingress.spec.rules) {
    const backend = rule.http.paths[0].backend.service
    t.equal(backend.name, service.metadata.name)
    t.ok(service.spec.ports.some((p: Doc) => p.name === backend.port.name))
  }

  // Scaling: the HPA and the PDB aim at these pods.
  const hpa = find('HorizontalPodAutoscaler')
  t.same(hpa.spec.scaleTargetRef, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: deployment.metadata.name,
  })
  t.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas)
  t.ok(container.resources.requests.cpu, 'CPU utilisation needs a CPU request')
  const pdb = find('PodDisruptionBudget')
  t.same(pdb.spec.selector.matchLabels, labels)
  t.ok(pdb.spec.minAvailable < hpa.spec.minReplicas)
})
