declare const masked: unique symbol

/**
 * Text that has been through card masking. Only `maskCardNumbers` produces it, and repositories
 * that store free text accept nothing else, so text that skipped masking does not compile.
 */
export type MaskedText = string & { readonly [masked]: true }
