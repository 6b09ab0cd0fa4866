import { appendFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/touchpoint-fixture.ts';
import { readSegment, Spool } from './spool.ts';

const open = async (dir: string, max = 1e9) => {
  const spool = new Spool({ dir, maxBytes: max, segmentMaxBytes: 1e6 });
  const replay = await spool.open();
  return { spool, replay };
};

describe('Spool', () => {
  it('group-commits concurrent appends and seals segments for the writer', async () => {
    const { spool } = await open(tempDir('spool'));
    await Promise.all(Array.from({ length: 100 }, (_, i) => spool.append(`b\t[${i}]\n`, 1)));
    await spool.seal();
    expect(spool.sealed).toHaveLength(1);
    const lines = await readSegment(spool.sealed[0]!.path);
    expect(lines).toHaveLength(100);
    // The writer gets the same lines from memory as a replay gets from the file.
    expect(spool.sealed[0]!.records).toBeDefined();
    expect(await spool.lines(spool.sealed[0]!)).toEqual(lines);
    // Far fewer commit lines than appends: one fsync served many beacons.
    const text = (await import('node:fs')).readFileSync(spool.sealed[0]!.path, 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('#')).length).toBeLessThan(50);
    await spool.release(spool.sealed[0]!);
    expect(spool.bytes).toBe(0);
    await spool.close();
  });

  it('replays sealed and active segments after a restart, dropping a torn last group', async () => {
    const dir = tempDir('spool-replay');
    const first = await open(dir);
    await first.spool.append('v\t[1]\nb\t[1]\n', 2);
    await first.spool.seal();
    await first.spool.append('b\t[2]\n', 1);
    // A crash mid-write: lines without their commit line.
    const activeFile = readdirSync(dir).sort().at(-1)!;
    appendFileSync(`${dir}/${activeFile}`, 'v\t[3]\nb\t[3');
    const second = await open(dir);
    expect(second.replay).toHaveLength(2);
    expect(await readSegment(second.replay[0]!.path)).toEqual(['v\t[1]', 'b\t[1]']);
    expect(await readSegment(second.replay[1]!.path)).toEqual(['b\t[2]']);
    await second.spool.close();
  });

  it('reports full once the bytes on disk reach the bound', async () => {
    const { spool } = await open(tempDir('spool-full'), 100);
    expect(spool.full).toBe(false);
    await spool.append(`b\t${JSON.stringify('x'.repeat(120))}\n`, 1);
    expect(spool.full).toBe(true);
    await spool.close();
  });
});

describe('Spool segment names', () => {
  it('never repeat across runs, even when the previous run left nothing behind', async () => {
    const dir = tempDir('spool-names');
    const first = await open(dir);
    await first.spool.append('b\t[1]\n', 1);
    await first.spool.seal();
    const name1 = first.spool.sealed[0]!.name;
    await first.spool.release(first.spool.sealed[0]!);
    await first.spool.close();
    expect(readdirSync(dir)).toEqual([]);
    const second = await open(dir);
    await second.spool.append('b\t[2]\n', 1);
    await second.spool.seal();
    expect(second.spool.sealed[0]!.name).not.toBe(name1);
    expect(second.spool.sealed[0]!.name > name1).toBe(true);
    await second.spool.close();
  });
});

describe('Spool under continuous appends', () => {
  it('seals on request while appends never stop', async () => {
    const { spool } = await open(tempDir('spool-busy'));
    let stop = false;
    const writers = Array.from({ length: 8 }, async () => {
      while (!stop) await spool.append('b\t[1]\n', 1);
    });
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 3; i++) {
      await spool.seal();
      await new Promise((r) => setTimeout(r, 20));
    }
    stop = true;
    await Promise.all(writers);
    expect(spool.sealed.length).toBeGreaterThanOrEqual(3);
    await spool.close();
  });
});
