/**
 * The Node.js version the README promises is one every production dependency accepts: a
 * dependency whose `engines.node` leaves it out (cookie 2 asks for Node ≥ 22, through
 * fastify → light-my-request 6.8) fails here with its name, so the README, the root
 * `engines` and the lock file cannot drift apart again. Checked on the installed
 * package.json of every non-dev package the lock file lists, which is what `npm ci` installs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const readJson = <T>(file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;

/** "Node.js ≥ 20.19" in the README's quick start, as a full version (20.19.0). */
function readmeVersion(): string {
  const m = /Node\.js ≥ (\d+\.\d+(?:\.\d+)?)/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  if (!m) throw new Error('README.md names no "Node.js ≥ x.y" version');
  return semver.coerce(m[1])!.version;
}

interface LockEntry { dev?: boolean; engines?: { node?: string } | string[] }

it('the README names the root package.json engines range', () => {
  const engines = readJson<{ engines: { node: string } }>('package.json').engines.node;
  expect(semver.minVersion(engines)?.version).toBe(readmeVersion());
});

it('every installed production dependency accepts the Node.js version the README names', () => {
  const version = readmeVersion();
  const lock = readJson<{ packages: Record<string, LockEntry> }>('package-lock.json');
  const refused: string[] = [];
  let checked = 0;
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev) continue;
    const manifest = join(ROOT, path, 'package.json');
    // Optional packages for other platforms (fsevents, other esbuild binaries) are not installed.
    if (!existsSync(manifest)) continue;
    const installed = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string; engines?: { node?: unknown } };
    checked++;
    const range = installed.engines?.node;
    if (typeof range !== 'string') continue;
    if (!semver.satisfies(version, range)) refused.push(`${installed.name}@${installed.version} (${path}) asks for Node ${range}`);
  }
  expect(checked).toBeGreaterThan(50);
  expect(refused, `these refuse Node ${version}: pin a version that accepts it (package.json "overrides") or raise the README's version`).toEqual([]);
});

it('this process runs a Node.js the README supports', () => {
  expect(semver.gte(process.versions.node, readmeVersion())).toBe(true);
});
