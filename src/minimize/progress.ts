/** A one-line progress display (records, records/s, percent, ETA) on stderr, only when it is a terminal. */
export class ProgressLine {
  private readonly started = Date.now();
  private last = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalBytes: number,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(records: number, bytesRead: number): void {
    const now = Date.now();
    if (!this.enabled || now - this.last < 200) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = records / seconds;
    const fraction = this.totalBytes > 0 ? Math.min(bytesRead / this.totalBytes, 1) : 0;
    const eta = fraction > 0 ? Math.round((seconds / fraction) * (1 - fraction)) : 0;
    this.stream.write(`\r\x1b[Kminimize: ${records.toLocaleString('en')} records, ${Math.round(rate).toLocaleString('en')} rec/s, ${(fraction * 100).toFixed(1)}%, ETA ${eta}s`);
  }

  finish(): void {
    if (this.enabled) this.stream.write('\r\x1b[K');
  }
}
