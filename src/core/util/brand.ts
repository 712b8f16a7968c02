/** Branded numbers keep indices and units apart at compile time; at run time they are plain numbers. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** Dense 0-based index of a user in a dataset's dictionary. */
export type UserIdx = Brand<number, 'UserIdx'>;
/** Dense 0-based index of an item in a dataset's dictionary. */
export type ItemIdx = Brand<number, 'ItemIdx'>;
/** A time or a duration in seconds (unix seconds for instants). */
export type Seconds = Brand<number, 'Seconds'>;
/** Events per horizon (an intensity integrated over the prediction window). */
export type Rate = Brand<number, 'Rate'>;
