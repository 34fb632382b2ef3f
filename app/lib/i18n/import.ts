/**
 * Import messages, French and English (spread into fr.ts and en.ts). Keys start with 'import.'; the French
 * catalogue is the reference and the English one must have exactly the same keys (the type says so).
 */
export const importFr = {} as const satisfies Record<string, string>

export const importEn: { readonly [K in keyof typeof importFr]: string } = {}
