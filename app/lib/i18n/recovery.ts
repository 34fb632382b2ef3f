/**
 * Recovery messages, French and English (spread into fr.ts and en.ts). Keys start with 'recovery.'; the French
 * catalogue is the reference and the English one must have exactly the same keys (the type says so).
 */
export const recoveryFr = {} as const satisfies Record<string, string>

export const recoveryEn: { readonly [K in keyof typeof recoveryFr]: string } = {}
