import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@touchpoint/node/testing';
import { parseSegment, readSegment, Spool } from './spool.ts';

const open = async (dir: string, max = 1e9) => {
  const spool = new Spool({ dir, maxBytes: max, segmentMaxBytes: 1e6 });
  const replay = await spool.open();
  return { spool, replay };
};

describe('Spool', () => {
  it('group-commits concurrent appends and seals segments for the writer', async () => {
    const { spool } = await open(tempDir('spool'));
    await Promise.all(Array.from({ length: 100 }, (_, i) => spool.append(`[${i}]`, i % 10 === 0 ? [`{"n":${i}}`] : [])));
    await spool.seal();
    expect(spool.sealed).toHaveLength(1);
    const segment = spool.sealed[0]!;
    const fromFile = parseSegment(await readSegment(segment.path));
    expect(fromFile.rowCount).toBe(100);
    expect(fromFile.signals).toHaveLength(10);
    // The writer gets from memory what a replay gets from the file.
    expect(segment.held).toBeDefined();
    const fromMemory = await spool.contents(segment);
    expect(fromMemory.rows.toString()).toBe(fromFile.rows.toString());
    expect(fromMemory.rowCount).toBe(100);
    expect([...fromMemory.signals].sort()).toEqual([...fromFile.signals].sort());
    expect(fromMemory.rows.toString().split('\n').slice(0, -1).map((l) => JSON.parse(l)[0]).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Far fewer commit lines than appends: one fsync served many beacons.
    const text = readFileSync(segment.path, 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('#')).length).toBeLessThan(50);
    await spool.release(segment);
    expect(spool.bytes).toBe(0);
    await spool.close();
  });

  it('under steady traffic writes at most once per commit interval, and a lone beacon at once', async () => {
    const spool = new Spool({ dir: tempDir('spool-window'), maxBytes: 1e9, segmentMaxBytes: 1e6, commitIntervalMs: 50 });
    await spool.open();
    // After a quiet spell a beacon is written without waiting out the window.
    let t = performance.now();
    await spool.append('[0]', []);
    expect(performance.now() - t).toBeLessThan(40);
    // A beacon every ~2 ms for ~0.5 s: without the window, each write would carry a beacon or two.
    const acks: Promise<string>[] = [];
    t = performance.now();
    for (let i = 1; i <= 250; i++) {
      acks.push(spool.append(`[${i}]`, []));
      await new Promise((r) => setTimeout(r, 2));
    }
    const elapsed = performance.now() - t;
    await Promise.all(acks);
    await spool.seal();
    const groups = readFileSync(spool.sealed[0]!.path, 'utf8').split('\n').filter((l) => l.startsWith('#')).length;
    expect(groups).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    expect(parseSegment(await readSegment(spool.sealed[0]!.path)).rowCount).toBe(251);
    await spool.close();
  });

  it('writes a full group and a seal without waiting out the commit interval', async () => {
    const spool = new Spool({ dir: tempDir('spool-window-full'), maxBytes: 1e9, segmentMaxBytes: 1e6, commitIntervalMs: 5_000 });
    await spool.open();
    await spool.append('[0]', []);
    // Inside the window now: 32 beacons make a group worth writing at once.
    const t = performance.now();
    await Promise.all(Array.from({ length: 32 }, (_, i) => spool.append(`[${i + 1}]`, [])));
    expect(performance.now() - t).toBeLessThan(1_000);
    // One more would wait for the window, but a seal (the writer's timer, a shutdown) does not.
    const late = spool.append('[33]', []);
    await spool.seal();
    await late;
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(parseSegment(await readSegment(spool.sealed[0]!.path)).rowCount).toBe(34);
    await spool.close();
  });

  it('replays sealed and active segments after a restart, dropping a torn last group', async () => {
    const dir = tempDir('spool-replay');
    const first = await open(dir);
    await first.spool.append('[1]', ['{"s":1}']);
    await first.spool.seal();
    await first.spool.append('[2]', []);
    // A crash mid-write: lines without their commit line.
    const activeFile = readdirSync(dir).sort().at(-1)!;
    appendFileSync(`${dir}/${activeFile}`, '[3]\n[4');
    const second = await open(dir);
    expect(second.replay).toHaveLength(2);
    expect(await readSegment(second.replay[0]!.path)).toEqual(['[1]', 's\t{"s":1}']);
    expect(await readSegment(second.replay[1]!.path)).toEqual(['[2]']);
    const replayed = await second.spool.contents(second.replay[0]!);
    expect(replayed).toMatchObject({ rowCount: 1, signals: ['{"s":1}'] });
    expect(replayed.rows.toString()).toBe('[1]\n');
    await second.spool.close();
  });

  it('reports full once the bytes on disk reach the bound', async () => {
    const { spool } = await open(tempDir('spool-full'), 100);
    expect(spool.full).toBe(false);
    await spool.append(JSON.stringify(['x'.repeat(120)]), []);
    expect(spool.full).toBe(true);
    await spool.close();
  });
});

describe('Spool segment names', () => {
  it('never repeat across runs, even when the previous run left nothing behind', async () => {
    const dir = tempDir('spool-names');
    const first = await open(dir);
    await first.spool.append('[1]', []);
    await first.spool.seal();
    const name1 = first.spool.sealed[0]!.name;
    await first.spool.release(first.spool.sealed[0]!);
    await first.spool.close();
    expect(readdirSync(dir)).toEqual([]);
    const second = await open(dir);
    await second.spool.append('[2]', []);
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
      while (!stop) await spool.append('[1]', []);
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
