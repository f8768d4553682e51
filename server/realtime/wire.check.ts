// Type-level checks that tie the server's values to the wire types (wire.ts): a drift between
// what the server encodes and what the clients are told they receive is a compile error.

/** What JSON.stringify makes of a value of type T: dates become ISO strings. */
export type AsJson<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? AsJson<U>[]
    : T extends object
      ? { [K in keyof T]: AsJson<T[K]> }
      : T

/** Rebuilds a type as plain object types, so that two spellings of one shape compare as equal. */
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T

/** True when A and B describe exactly the same values (no field more or less on either side). */
export type Same<A, B> =
  (<X>() => X extends Plain<A> ? 1 : 2) extends <X>() => X extends Plain<B> ? 1 : 2 ? true : false

/** Fails to compile unless T is `true`: `type _ = Assert<Same<A, B>>`. */
export type Assert<T extends true> = T

/**
 * A wire type as the server may hand it to JSON.stringify: wherever the wire has a free-form
 * string, a Date is accepted too (it is encoded as the same ISO string). Literal strings stay exact.
 */
export type Encodable<T> = T extends string
  ? string extends T
    ? string | Date
    : T
  : T extends readonly (infer U)[]
    ? Encodable<U>[]
    : T extends object
      ? { [K in keyof T]: Encodable<T[K]> }
      : T
