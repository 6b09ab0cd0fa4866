import { close, constants, fstat, mkdirSync, open, readdirSync, statSync, writev } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';

/**
 * The durable spool: beacons are acknowledged only after their record is on disk.
 *
 * Appends are group-committed: every record that arrives while one synced write is in flight,
 * or within the commit interval after it started, goes out together in the next one, so one
 * fsync serves tens to hundreds of beacons under load and a lone beacon still waits only for
 * its own. A group is its beacons' rows (one JSON array
 * per line, ready for the engine as they are), then their signals (`s\t<Signal JSON>` lines),
 * then a commit line `#<number of lines>`; a reader keeps only complete groups, so a write torn
 * by a crash (never acknowledged) is dropped on replay. Segments are sealed on a timer and handed
 * to the batch writer; a sealed segment is deleted once every sink has stored it.
 */
export interface SpoolOptions {
  dir: string;
  /** Above this many bytes on disk, `full` turns true and the collector answers 503. */
  maxBytes: number;
  /** A segment is sealed early when it grows past this. */
  segmentMaxBytes: number;
  /**
   * Least time between the starts of two group writes, in ms (default 0). Under steady traffic a
   * write that starts the moment the previous one ends carries only the few beacons that came
   * meanwhile, and every O_DSYNC write costs the kernel ~150–250 µs of CPU whatever its size:
   * waiting out the window makes one write carry every beacon of it. After a quiet spell the
   * next write starts at once, so a lone beacon never waits.
   */
  commitIntervalMs?: number;
}

export interface Segment {
  name: string;
  path: string;
  bytes: number;
  /** What was committed, still in memory: the writer reads the file only when it is gone (a
   *  replay, or memory over the cap while storage is down). */
  held?: { rows: Buffer[]; rowCount: number; signals: string[] };
}

/** A segment's committed contents, as the sinks take them. */
export interface SegmentContents {
  /** The rows, one per line, each line ending in \n: a JSONCompactEachRow body. */
  rows: Buffer;
  rowCount: number;
  /** Signal JSON, one per event the alerting rules act on. */
  signals: string[];
}

/** Sealed segments keep their records in memory up to this total; beyond it, the disk copy serves. */
const IN_MEMORY_BYTES = 64 * 1024 * 1024;

/** A group this large is written without waiting out the commit interval. */
const GROUP_ROWS = 32;

const SEGMENT = /^seg-(\d{16})\.log$/;

export class Spool {
  readonly #opts: SpoolOptions;
  #seq = 0;
  #active: { fd: number; segment: Segment } | undefined;
  #sealed: Segment[] = [];
  #pendingRows: string[] = [];
  #pendingSignals: string[] = [];
  #waiters: { resolve: (segment: string) => void; reject: (e: Error) => void }[] = [];
  #running = false;
  #sealWaiters: (() => void)[] = [];
  #sealRequested = false;
  #sealedBytes = 0;
  #inMemoryBytes = 0;
  #closed = false;
  /** When the last group write started (performance.now()). */
  #lastWriteAt = -Infinity;
  /** Ends a commit window early (a full group, or a seal). */
  #wake: (() => void) | undefined;
  /** Called when a segment is sealed and ready to be drained. */
  onSealed: () => void = () => {};
  onError: (err: Error) => void = () => {};

  constructor(opts: SpoolOptions) {
    this.#opts = opts;
  }

  /** Opens the spool; segments left by a previous run come back as sealed, to be replayed. */
  async open(): Promise<Segment[]> {
    mkdirSync(this.#opts.dir, { recursive: true });
    const existing = readdirSync(this.#opts.dir)
      .map((f) => SEGMENT.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]));
    // Names never repeat across runs: they make the deduplication tokens, and a token reused
    // within ClickHouse's window would silently drop the new segment's rows. Start from the
    // clock (in µs), or past the newest leftover segment.
    this.#seq = Date.now() * 1000;
    for (const m of existing) {
      const path = join(this.#opts.dir, m[0]);
      this.#push({ name: m[0].slice(0, -4), path, bytes: statSync(path).size });
      this.#seq = Math.max(this.#seq, Number(m[1]));
    }
    await this.#openActive();
    return [...this.#sealed];
  }

  /** Bytes on disk not yet stored everywhere. */
  get bytes(): number {
    return this.#sealedBytes + (this.#active?.segment.bytes ?? 0);
  }

  get full(): boolean {
    return this.bytes >= this.#opts.maxBytes;
  }

  get sealed(): readonly Segment[] {
    return this.#sealed;
  }

  /** Resolves, with the segment's name, once the row (one line of JSON, no line break) and its
   *  signals are durable on disk. */
  append(row: string, signals: readonly string[]): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('spool is closed'));
    this.#pendingRows.push(row);
    for (const s of signals) this.#pendingSignals.push(s);
    const done = new Promise<string>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#pendingRows.length >= GROUP_ROWS) this.#wake?.();
    this.#kick();
    return done;
  }

  /**
   * Seals the active segment (if it holds anything) so the writer can take it. Resolves once
   * what was appended before the call is in a sealed segment, even while appends go on.
   */
  seal(): Promise<void> {
    this.#sealRequested = true;
    const sealed = new Promise<void>((resolve) => this.#sealWaiters.push(resolve));
    this.#wake?.();
    this.#kick();
    return sealed;
  }

  /** Forgets a segment every sink has stored. */
  async release(segment: Segment): Promise<void> {
    const i = this.#sealed.indexOf(segment);
    if (i < 0) return;
    this.#sealed.splice(i, 1);
    this.#sealedBytes -= segment.bytes;
    if (segment.held) {
      this.#inMemoryBytes -= segment.bytes;
      delete segment.held;
    }
    await unlink(segment.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  async close(): Promise<void> {
    await this.seal();
    this.#closed = true;
    const active = this.#active;
    this.#active = undefined;
    if (active) {
      await closeFd(active.fd);
      // An empty active segment is just noise for the next start.
      if (active.segment.bytes === 0) await unlink(active.segment.path).catch(() => {});
    }
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop();
  }

  /**
   * The one writer of the active segment. It stops only where nothing is pending, checking and
   * clearing `#running` in one synchronous step, so an append can never slip in unflushed.
   */
  async #loop(): Promise<void> {
    for (;;) {
      if (this.#pendingRows.length === 0 && !this.#sealRequested) {
        this.#running = false;
        return;
      }
      try {
        await this.#commitWindow();
        if (this.#pendingRows.length > 0) await this.#writeGroup();
        const active = this.#active;
        if (active && active.segment.bytes > 0 && (this.#sealRequested || active.segment.bytes >= this.#opts.segmentMaxBytes)) {
          await this.#rotate();
        }
        if (this.#sealRequested) this.#sealDone();
      } catch (err) {
        // Rotation failed (e.g. disk full): waiters of the next group get the error from its write.
        this.#sealDone();
        this.onError(err as Error);
      }
    }
  }

  /**
   * Waits, before a group write, until the commit interval since the previous write has passed
   * or the group holds GROUP_ROWS beacons. The count ends the wait for clients that send their
   * next beacon only after the last one was answered (a load tool's connections, an agent's
   * retries): they would only idle through the window, with no new arrivals to share the write.
   */
  async #commitWindow(): Promise<void> {
    const wait = this.#lastWriteAt + (this.#opts.commitIntervalMs ?? 0) - performance.now();
    if (wait <= 0 || this.#sealRequested || this.#pendingRows.length >= GROUP_ROWS) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.#wake?.(), wait);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /** A requested seal is handled: whatever was appended before it is in a sealed segment. */
  #sealDone(): void {
    this.#sealRequested = false;
    const waiters = this.#sealWaiters;
    this.#sealWaiters = [];
    for (const resolve of waiters) resolve();
  }

  async #writeGroup(): Promise<void> {
    const active = this.#active;
    if (!active) throw new Error('spool is not open');
    this.#lastWriteAt = performance.now();
    const rowCount = this.#pendingRows.length;
    const rows = Buffer.from(this.#pendingRows.join('\n') + '\n');
    const signals = this.#pendingSignals;
    let tail = '';
    for (const s of signals) tail += 's\t' + s + '\n';
    tail += `#${rowCount + signals.length}\n`;
    const waiters = this.#waiters;
    this.#pendingRows = [];
    this.#pendingSignals = [];
    this.#waiters = [];
    try {
      // One thread-pool round trip per group: the file is opened O_DSYNC, so the write returns
      // once the data is on disk (a separate fdatasync would be a second trip).
      const tailBytes = Buffer.from(tail);
      const written = await writeBuffers(active.fd, [rows, tailBytes]);
      active.segment.bytes += written;
      if (written !== rows.length + tailBytes.length) throw new Error(`short spool write: ${written} of ${rows.length + tailBytes.length} bytes`);
      const held = active.segment.held;
      if (held) {
        held.rows.push(rows);
        held.rowCount += rowCount;
        for (const s of signals) held.signals.push(s);
      }
      for (const w of waiters) w.resolve(active.segment.name);
    } catch (err) {
      for (const w of waiters) w.reject(err as Error);
      // Part of the group may be in the file: seal it (readers drop a torn last group) so the
      // next group starts a clean segment instead of following torn lines.
      active.segment.bytes = (await fstatFd(active.fd).catch(() => ({ size: 1 }))).size || 1;
      this.#sealRequested = true;
    }
  }

  async #rotate(): Promise<void> {
    const active = this.#active;
    if (!active) return;
    await closeFd(active.fd);
    this.#push(active.segment);
    await this.#openActive();
    this.onSealed();
  }

  async #openActive(): Promise<void> {
    this.#seq += 1;
    const name = `seg-${String(this.#seq).padStart(16, '0')}`;
    const path = join(this.#opts.dir, `${name}.log`);
    const fd = await openFd(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o600);
    this.#active = { fd, segment: { name, path, bytes: 0, held: { rows: [], rowCount: 0, signals: [] } } };
  }

  #push(segment: Segment): void {
    if (segment.held) {
      if (this.#inMemoryBytes + segment.bytes > IN_MEMORY_BYTES) delete segment.held;
      else this.#inMemoryBytes += segment.bytes;
    }
    this.#sealed.push(segment);
    this.#sealedBytes += segment.bytes;
  }

  /** The segment's contents: from memory when it still holds them, else from the file. */
  async contents(segment: Segment): Promise<SegmentContents> {
    const held = segment.held;
    if (!held) return parseSegment(await readSegment(segment.path));
    return { rows: Buffer.concat(held.rows), rowCount: held.rowCount, signals: held.signals };
  }
}

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);
// The callback API: lighter per call than FileHandle on this hot path.
const writeBuffers = (fd: number, buffers: Buffer[]) =>
  new Promise<number>((resolve, reject) => writev(fd, buffers, (err, n) => (err ? reject(err) : resolve(n))));

/** The complete groups of a segment: lines after the last good commit line are dropped. */
export async function readSegment(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  const out: string[] = [];
  let group: string[] = [];
  for (const line of lines) {
    if (line.charCodeAt(0) === 35 /* # */) {
      if (Number(line.slice(1)) === group.length) for (const l of group) out.push(l);
      group = [];
    } else if (line !== '') {
      group.push(line);
    }
  }
  return out;
}

/** Sorts a segment's committed lines into rows and signals. */
export function parseSegment(lines: readonly string[]): SegmentContents {
  const rows: string[] = [];
  const signals: string[] = [];
  for (const line of lines) {
    if (line.charCodeAt(0) === 91 /* [ */) rows.push(line);
    else if (line.startsWith('s\t')) signals.push(line.slice(2));
  }
  return { rows: Buffer.from(rows.length ? rows.join('\n') + '\n' : ''), rowCount: rows.length, signals };
}
