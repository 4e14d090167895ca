// A decoded text (a script literal after '' unescaping, a concatenation of pieces, dynamic SQL
// inside a string) together with where each of its characters came from in the document.
// Problems found in decoded text are mapped back through it to exact document offsets.

/** Linear runs: decoded offsets [at[i], at[i+1]) come from source offsets to[i] + (o - at[i]). */
export class SourceMap {
  /** Use SourceMap.identity or SourceMapBuilder; the arrays must be sorted and non-empty. */
  constructor(
    private readonly at: readonly number[],
    private readonly to: readonly number[],
    /** Length of the decoded text. */
    readonly length: number,
  ) {}

  static identity(sourceStart: number, length: number): SourceMap {
    return new SourceMap([0], [sourceStart], length);
  }

  /** Document offset of the decoded character at `offset` (offset == length maps past the last). */
  toSource(offset: number): number {
    if (this.at.length === 0) return 0;
    if (offset >= this.length && this.length > 0) return this.toSource(this.length - 1) + 1;
    let lo = 0;
    let hi = this.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.to[lo]! + (offset - this.at[lo]!);
  }

  /** Document range covering decoded [start, end); an empty range stays empty. */
  toSourceRange(start: number, end: number): [number, number] {
    const s = this.toSource(start);
    if (end <= start) return [s, s];
    return [s, this.toSource(end - 1) + 1];
  }

  /**
   * The same map for a document in which the source text moved by `delta` (text inserted or
   * removed before it). An empty map maps nothing and stays as it is.
   */
  shifted(delta: number): SourceMap {
    if (delta === 0 || this.length === 0) return this;
    return new SourceMap(this.at, this.to.map((t) => t + delta), this.length);
  }

  /**
   * This map's source offsets are themselves decoded offsets of `outer` (a script inside a string
   * inside dynamic SQL): the result maps straight to outer's source.
   */
  composeWith(outer: SourceMap): SourceMap {
    const builder = new SourceMapBuilder();
    for (const [, source, len] of this.runs()) {
      // Split each run where the outer map's runs break.
      for (let done = 0; done < len; ) {
        const inner = source + done;
        const piece = Math.min(len - done, Math.max(1, outer.runEndAfter(inner) - inner));
        builder.add(outer.toSource(inner), piece);
        done += piece;
      }
    }
    return builder.build();
  }

  /** The linear runs: decoded start, source start, length. */
  *runs(): Generator<[number, number, number]> {
    for (let i = 0; i < this.at.length; i++) {
      const end = i + 1 < this.at.length ? this.at[i + 1]! : this.length;
      if (end > this.at[i]!) yield [this.at[i]!, this.to[i]!, end - this.at[i]!];
    }
  }

  /** Decoded offset at which the run containing `offset` ends. */
  private runEndAfter(offset: number): number {
    let lo = 0;
    let hi = this.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1 < this.at.length ? this.at[lo + 1]! : this.length;
  }
}

/** Builds a SourceMap run by run, merging runs that continue each other. */
export class SourceMapBuilder {
  private readonly at: number[] = [];
  private readonly to: number[] = [];
  private length = 0;

  /** The next `count` decoded characters come from source offsets sourceStart, sourceStart+1, ... */
  add(sourceStart: number, count: number): void {
    if (count <= 0) return;
    const last = this.at.length - 1;
    const continues = last >= 0 && this.to[last]! + (this.length - this.at[last]!) === sourceStart;
    if (!continues) {
      this.at.push(this.length);
      this.to.push(sourceStart);
    }
    this.length += count;
  }

  /** Appends another decoded piece with its own map. */
  addMap(map: SourceMap): void {
    for (const [, source, len] of map.runs()) this.add(source, len);
  }

  build(): SourceMap {
    if (this.at.length === 0) return SourceMap.identity(0, 0);
    return new SourceMap(this.at, this.to, this.length);
  }
}

/** A decoded text with its map. */
export interface MappedText {
  text: string;
  map: SourceMap;
}
