/**
 * A range allocator (drm_mm's job): first-fit over [start, end) with
 * alignment, used for physical pages and kernel virtual addresses.
 */
export class RangeAllocator {
  /** sorted, non-overlapping free ranges */
  private free: Array<{ start: number; end: number }>;
  allocated = 0;
  constructor(readonly start: number, readonly end: number) {
    this.free = [{ start, end }];
  }
  alloc(size: number, align = 1): number | null {
    for (let i = 0; i < this.free.length; i++) {
      const r = this.free[i]!;
      const a = Math.ceil(r.start / align) * align;
      if (a + size > r.end) continue;
      const pieces: Array<{ start: number; end: number }> = [];
      if (a > r.start) pieces.push({ start: r.start, end: a });
      if (a + size < r.end) pieces.push({ start: a + size, end: r.end });
      this.free.splice(i, 1, ...pieces);
      this.allocated += size;
      return a;
    }
    return null;
  }
  release(start: number, size: number): void {
    const end = start + size;
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < start) i++;
    this.free.splice(i, 0, { start, end });
    // coalesce neighbours
    const merged: Array<{ start: number; end: number }> = [];
    for (const r of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.end === r.start) last.end = r.end;
      else merged.push({ ...r });
    }
    this.free = merged;
    this.allocated -= size;
  }
  get freeBytes(): number {
    return this.free.reduce((s, r) => s + r.end - r.start, 0);
  }
}
