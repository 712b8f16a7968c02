/** The part of AbortSignal that core needs; core compiles without DOM types, and a worker or Node passes the real one. */
export interface StopSignal {
  readonly aborted: boolean;
}
