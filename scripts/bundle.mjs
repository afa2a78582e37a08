// `npm run build`'s second step: the built service (dist/cli.js and every module it imports, with
// fastify and pino) as one file, dist/mailsetup.js, which is what `npm start` and the image run.
// Loading one module instead of about 250 took 0.1-0.3 s off start-up at 100,000 domains
// (issue 9: under a second). Tests run dist/cli.js, which maps back to src/ for coverage;
// test/image-start.test.ts runs this bundle exactly as the image does.
import { build } from 'esbuild'

await build({
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/mailsetup.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Loaded after listening or only by other commands and failing configs: they stay in node_modules,
  // so `serve` neither parses nor loads them (prom-client, Apple profile signing, YAML, TypeBox).
  external: ['prom-client', 'pkijs', 'asn1js', 'yaml', '@sinclair/typebox', '@sinclair/typebox/*'],
  // The bundled CommonJS packages require() Node's built-ins, which an ES module has no function for.
  banner: {
    js: "import { createRequire as createBundleRequire } from 'node:module'; const require = createBundleRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
})
