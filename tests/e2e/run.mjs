// Runs the browser suite: every tests/e2e/*.test.mjs file, one at a time (each starts its own
// fake LinkedIn, backend and Chromium), with node's test runner and its standard summary.
// `./build.sh test` builds dist/ and the native binaries first; run alone: node tests/e2e/run.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIST, ROOT } from './harness.mjs';

const required = [
  path.join(DIST, 'manifest.json'),
  path.join(DIST, 'pkg/ping_ext_bg.wasm'),
  path.join(ROOT, 'target/native-release/ping-backend'),
  path.join(ROOT, 'target/native-release/fake-linkedin'),
];
const missing = required.filter((file) => !fs.existsSync(file));
if (missing.length > 0) {
  console.error(`missing (run ./build.sh build and build the native binaries first):\n  ${missing.join('\n  ')}`);
  process.exit(1);
}

const dir = path.dirname(new URL(import.meta.url).pathname);
const files = fs.readdirSync(dir).filter((name) => name.endsWith('.test.mjs')).sort()
  .map((name) => path.join(dir, name));
const only = process.argv.slice(2);
const selected = only.length ? files.filter((file) => only.some((name) => file.includes(name))) : files;

const result = spawnSync(process.execPath,
  ['--test', '--test-concurrency=1', '--test-timeout=300000', ...selected],
  { stdio: 'inherit', cwd: ROOT });
process.exit(result.status ?? 1);
