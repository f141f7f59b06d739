/** The header every API answer carries: the server's time, from the product's clock. */
export const SERVER_TIME_HEADER = 'X-Server-Time';

/**
 * The server's clock as seen from the console: the offset between the server's time (from the last answer) and this
 * browser's. In local mode the product runs on simulated time, so "how long ago" must be measured on the server's
 * clock, never the browser's.
 */
export class ServerClock {
  private offsetMs = 0;

  constructor(private readonly localNow: () => number = () => Date.now()) {}

  /** Note the server's time of an answer received now (`header`: its `X-Server-Time`, if any). */
  note(header: string | null): void {
    const server = header ? Date.parse(header) : Number.NaN;
    if (Number.isFinite(server)) this.offsetMs = server - this.localNow();
  }

  /** The server's time now. */
  now(): Date {
    return this.at(this.localNow());
  }

  /** The server's time at the browser's time `localMs` (e.g. when a query's data arrived). */
  at(localMs: number): Date {
    return new Date(localMs + this.offsetMs);
  }
}
