/**
 * Workspaces meet through package names and `exports` only (CONVENTIONS 11): a file path that
 * reaches into another workspace, an import of a subpath a package does not export, or an
 * arrow the architecture does not allow fails here, with the file and the line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const WORKSPACES = rootPackage.workspaces;

interface Manifest {
  name: string;
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifests = new Map<string, Manifest>(WORKSPACES.map((w) => [w, JSON.parse(readFileSync(join(ROOT, w, 'package.json'), 'utf8')) as Manifest]));
const byName = new Map([...manifests].map(([w, m]) => [m.name, { dir: w, manifest: m }]));

/** Production code may use only these workspaces (tests and test helpers may also use @touchpoint/node to start a real one). */
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  agent: ['@touchpoint/protocol'],
  collector: ['@touchpoint/protocol'],
  alerting: ['@touchpoint/protocol'],
  dashboards: ['@touchpoint/protocol'],
  node: ['@touchpoint/protocol', '@touchpoint/collector', '@touchpoint/alerting', '@touchpoint/agent', '@touchpoint/dashboards'],
  'load-tests': ['@touchpoint/protocol', '@touchpoint/collector', '@touchpoint/agent', '@touchpoint/node'],
};

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|new URL\(\s*)(['"])([^'"\n]+)\1/g;

function sourceFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...WORKSPACES.map((w) => `${w}/**`)], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.includes('/dist/') && !f.includes('node_modules/'));
}

const isTestCode = (file: string) => /\.test\.ts$|\/testing(\/|\.ts$)|\/e2e\b|\/bench\//.test(file);

function exported(manifest: Manifest, subpath: string): boolean {
  const keys = Object.keys(manifest.exports ?? {});
  return keys.some((k) => k === subpath || (k.includes('*') && subpath.startsWith(k.slice(0, k.indexOf('*'))) && subpath.endsWith(k.slice(k.indexOf('*') + 1))));
}

it('no workspace reaches into another by path, and every package import is declared and exported', () => {
  const problems: string[] = [];
  for (const file of sourceFiles()) {
    const workspace = file.split('/')[0]!;
    const own = manifests.get(workspace)!;
    const declared = { ...own.dependencies, ...own.devDependencies };
    // Comments may name packages in examples; blank them, keeping line numbers.
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/^\s*\/\/.*$/gm, '');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[2]!;
      const line = text.slice(0, m.index).split('\n').length;
      const where = `${file}:${line} '${spec}'`;
      if (spec.startsWith('.')) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
        // The repository root and folders that are no workspace (docs/) belong to nobody.
        const into = target.split('/')[0]!;
        if (into !== workspace && WORKSPACES.includes(into)) problems.push(`${where} reaches outside ${workspace}/: import the package instead`);
        continue;
      }
      const pkg = /^(@touchpoint\/[^/]+)(\/.*)?$/.exec(spec);
      if (!pkg) continue;
      const [, name, sub] = pkg;
      const target = byName.get(name!);
      if (!target) {
        problems.push(`${where}: no workspace is called ${name}`);
        continue;
      }
      if (name === own.name) problems.push(`${where}: import your own workspace by relative path`);
      if (!declared[name!]) problems.push(`${where}: ${name} is not in ${workspace}/package.json`);
      if (!exported(target.manifest, `.${sub ?? ''}`)) problems.push(`${where}: ${name} does not export ".${sub ?? ''}"`);
      if (!isTestCode(file) && !ALLOWED[workspace]!.includes(name!)) problems.push(`${where}: ${workspace} may not depend on ${name} outside its tests`);
    }
  }
  expect(problems).toEqual([]);
});

it('production dependencies between workspaces follow the architecture (no cycles)', () => {
  const problems: string[] = [];
  for (const [w, m] of manifests) {
    for (const dep of Object.keys(m.dependencies ?? {})) {
      if (dep.startsWith('@touchpoint/') && !ALLOWED[w]!.includes(dep)) problems.push(`${w} depends on ${dep}`);
    }
  }
  expect(problems).toEqual([]);
});
