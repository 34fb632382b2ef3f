/**
 * Data messages, French and English (spread into fr.ts and en.ts). Keys start with 'data.'; the French
 * catalogue is the reference and the English one must have exactly the same keys (the type says so).
 */
export const dataFr = {} as const satisfies Record<string, string>

export const dataEn: { readonly [K in keyof typeof dataFr]: string } = {}
