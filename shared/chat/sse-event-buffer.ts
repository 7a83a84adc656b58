/**
 * Named SSE events (`event: <name>` + `data: <json>`) collected until taken, for the front
 * doors whose streams name every event (Responses, Messages). `silent` collects nothing:
 * a writer that only builds its final object (a non-streamed answer) pays no serialising.
 *
 * @example
 *   const events = new SseEventBuffer();
 *   events.emit("ping", { type: "ping" });
 *   events.take(); // 'event: ping\ndata: {"type":"ping"}\n\n'
 */
export class SseEventBuffer {
  private out = "";

  constructor(private readonly silent = false) {}

  emit(event: string, data: Record<string, unknown>): void {
    if (!this.silent) this.out += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  /** Everything emitted since the last take. */
  take(): string {
    const out = this.out;
    this.out = "";
    return out;
  }
}
