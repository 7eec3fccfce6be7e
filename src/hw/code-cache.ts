/**
 * The shader cores' translation cache, kept across jobs: machine code is
 * fetched through the MMU (execute permission) by every job as before, and
 * only then looked up here by its bytes — a hash of the fetched words finds
 * the entry, a word-by-word comparison confirms it — so a translation is
 * reused exactly when the code is the same, wherever and in whichever
 * address space it now lives, and new or rewritten code is always decoded
 * and translated afresh. What it holds (decoded ops, a translated function)
 * is derived from the bytes alone, never from addresses.
 */

/** FNV-1a over 32-bit words (with the length and a salt for what else the translation depends on). */
function hashWords(words: Uint32Array, salt: number): number {
  let h = (0x811c9dc5 ^ words.length ^ (salt * 0x9e3779b1)) >>> 0;
  for (let i = 0; i < words.length; i++) {
    h = Math.imul(h ^ (words[i]! & 0xffff), 0x01000193);
    h = Math.imul(h ^ (words[i]! >>> 16), 0x01000193);
  }
  return h >>> 0;
}

interface Entry<T> { words: Uint32Array; salt: number; value: T; used: number }

export class CodeCache<T> {
  private readonly byHash = new Map<number, Array<Entry<T>>>();
  private size = 0;
  private clock = 0;
  hits = 0;
  misses = 0;

  /** `limit`: entries kept; past it the least recently used half is dropped. */
  constructor(readonly limit = 512) {}

  /**
   * The value for code `words` (and `salt`: say, the register count the
   * translation was made for), made by `make(words)` on a miss. `words` must
   * be what this job fetched; the cache keeps its own copy.
   */
  get(words: Uint32Array, salt: number, make: (words: Uint32Array) => T): T {
    const h = hashWords(words, salt);
    const list = this.byHash.get(h);
    if (list) {
      for (const e of list) {
        if (e.salt !== salt || e.words.length !== words.length) continue;
        let same = true;
        for (let i = 0; i < words.length; i++) if (e.words[i] !== words[i]) { same = false; break; }
        if (same) { e.used = ++this.clock; this.hits++; return e.value; }
      }
    }
    this.misses++;
    const value = make(words);
    if (this.size >= this.limit) this.evict();
    const e: Entry<T> = { words: Uint32Array.from(words), salt, value, used: ++this.clock };
    const l = this.byHash.get(h);
    if (l) l.push(e); else this.byHash.set(h, [e]);
    this.size++;
    return value;
  }

  private evict(): void {
    const all = [...this.byHash.values()].flat().sort((a, b) => a.used - b.used);
    const cut = all[Math.floor(all.length / 2)]!.used;
    for (const [h, l] of this.byHash) {
      const keep = l.filter((e) => e.used >= cut);
      if (keep.length) this.byHash.set(h, keep); else this.byHash.delete(h);
    }
    this.size = [...this.byHash.values()].reduce((n, l) => n + l.length, 0);
  }

  clear(): void { this.byHash.clear(); this.size = 0; }
}
