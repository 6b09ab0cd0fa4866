import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ entryPoints: ['src/script-tag.ts'], bundle: true, minify: true, format: 'iife', target: ['chrome96','firefox100','safari15.4'], legalComments: 'none', mangleProps: /^_[^_]/, reserveProps: /^_tp$/, write: false, metafile: true });
const out = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(out.inputs).map(([k,v]) => [v.bytesInOutput, k]).sort((a,b)=>b[0]-a[0]);
for (const [b,k] of rows) console.log(b, k);
console.log('gzip', gzipSync(r.outputFiles[0].contents, {level:9}).length);
