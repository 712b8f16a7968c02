/** Messages from one sender handed out in arrival order, to `next` callers waiting or yet to come. */
export class Inbox<T> {
  private readonly queue: T[] = [];
  private readonly waiting: { resolve: (m: T) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  push(m: T): void {
    const w = this.waiting.shift();
    if (w) w.resolve(m);
    else this.queue.push(m);
  }

  /** Rejects every pending and later `next` (the sender is gone). */
  fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  next(): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as T);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
}
