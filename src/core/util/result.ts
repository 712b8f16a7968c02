/** Expected failures are values, not exceptions (STYLE.md habit 7). `code` survives a worker boundary. */
export type Ok<T> = { ok: true; data: T };
export type Err<C extends string = string> = { ok: false; code: C; reason: string };
export type Result<T, C extends string = string> = Ok<T> | Err<C>;

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const err = <C extends string>(code: C, reason: string): Err<C> => ({ ok: false, code, reason });
