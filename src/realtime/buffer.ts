/**
 * A stream's receive buffer, kept flat for speed: items in one array (the codec decodes straight into
 * it), frames as parallel arrays of (end, connection, mark). No object per message. Positions are absolute
 * (counted since the stream began); the arrays are compacted as the reader moves on.
 *
 * A frame is *finished* once the reader has taken its last item and come back for more (or, for a frame
 * without items, once the reader gets to it): that is when it counts for the acknowledgement.
 */

export const NONE: unique symbol = Symbol('none');

const COMPACT_AT = 4096;

export class FrameBuffer<T> {
  /** Items from absolute position `itemsBase` on. */
  private items: T[] = [];
  private itemsBase = 0;
  /** Next item to hand out (absolute). */
  private next = 0;
  /** End of the items pushed so far (absolute). */
  private end = 0;
  /** End of the last finished frame (absolute): where the first unfinished frame starts. */
  private finishedEnd = 0;
  /** Frames from absolute frame number `framesBase` on; `head` is the first unfinished one. */
  private ends: number[] = [];
  private conns: number[] = [];
  private marks: unknown[] = [];
  private framesBase = 0;
  private head = 0;

  /** Items received and not handed out yet. */
  get buffered(): number {
    return this.end - this.next;
  }

  /** Frames not finished yet. */
  get frames(): number {
    return this.framesBase + this.ends.length - this.head;
  }

  /** The array a codec pushes a frame's items into; `endFrame` then records the frame. */
  get sink(): T[] {
    return this.items;
  }

  /** Drops items pushed into `sink` after `length` (a frame that failed to decode). */
  truncate(length: number): void {
    this.items.length = length;
  }

  /** Records a frame whose items have just been pushed into `sink`. */
  endFrame(conn: number, mark: unknown): void {
    this.end = this.itemsBase + this.items.length;
    this.ends.push(this.end);
    this.conns.push(conn);
    this.marks.push(mark);
  }

  /** Whether a frame is waiting to be finished without an item to hand out (a frame without items). */
  get hasReachableEmptyFrame(): boolean {
    const i = this.head - this.framesBase;
    return i < this.ends.length && this.ends[i]! <= this.next;
  }

  /** Finishes the frames whose items have all been handed out, oldest first. */
  finishTaken(done: (conn: number, mark: unknown) => void): void {
    let i = this.head - this.framesBase;
    const ends = this.ends;
    if (i >= ends.length || ends[i]! > this.next) return;
    while (i < ends.length && ends[i]! <= this.next) {
      done(this.conns[i]!, this.marks[i]);
      this.finishedEnd = ends[i]!;
      i++;
    }
    this.head = this.framesBase + i;
    this.compact();
  }

  takeOne(): T | typeof NONE {
    if (this.next >= this.end) return NONE;
    return this.items[this.next++ - this.itemsBase]!;
  }

  takeMany(max: number): T[] {
    const n = Math.min(max, this.end - this.next);
    if (n <= 0) return [];
    const from = this.next - this.itemsBase;
    this.next += n;
    return this.items.slice(from, from + n);
  }

  /** The handed-out items of the first unfinished frame, when the reader is midway through it. */
  partlyTaken(): T[] | undefined {
    const i = this.head - this.framesBase;
    if (i >= this.ends.length || this.next <= this.finishedEnd || this.next >= this.ends[i]!) return undefined;
    return this.items.slice(this.finishedEnd - this.itemsBase, this.next - this.itemsBase);
  }

  clear(): void {
    this.items = [];
    this.ends = [];
    this.conns = [];
    this.marks = [];
    this.itemsBase = this.next = this.end = this.finishedEnd = 0;
    this.framesBase = this.head = 0;
  }

  private compact(): void {
    const dropItems = this.finishedEnd - this.itemsBase;
    if (dropItems > 0 && (this.finishedEnd === this.end || (dropItems > COMPACT_AT && dropItems * 2 > this.items.length))) {
      this.items = this.finishedEnd === this.end ? [] : this.items.slice(dropItems);
      this.itemsBase = this.finishedEnd;
    }
    const dropFrames = this.head - this.framesBase;
    if (dropFrames > 0 && (dropFrames === this.ends.length || (dropFrames > COMPACT_AT && dropFrames * 2 > this.ends.length))) {
      const all = dropFrames === this.ends.length;
      this.ends = all ? [] : this.ends.slice(dropFrames);
      this.conns = all ? [] : this.conns.slice(dropFrames);
      this.marks = all ? [] : this.marks.slice(dropFrames);
      this.framesBase = this.head;
    }
  }
}
