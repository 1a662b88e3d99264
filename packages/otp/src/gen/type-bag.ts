// Type bags: every behaviour names its types as fields of one object type
// (`{ state; call; reply; … }`); these read a field, with the same defaults everywhere.

/** The state field of `T`. */
export type StateOf<T> = T extends { readonly state: infer S } ? S : unknown;
/** The call requests of `T` (`never`: none, so every call is a compile error). */
export type CallOf<T> = T extends { readonly call: infer C } ? C : never;
/** The cast requests of `T` (`never`: none). */
export type CastOf<T> = T extends { readonly cast: infer C } ? C : never;
/** The replies of `T`'s calls. */
export type ReplyOf<T> = T extends { readonly reply: infer R } ? R : unknown;
/** The other (info) messages `T` expects. */
export type InfoOf<T> = T extends { readonly info: infer I } ? I : unknown;
/** The argument of `T`'s init (`undefined`: none). */
export type ArgsOf<T> = T extends { readonly args: infer A } ? A : undefined;
