/** The browser-safe core of anonymous questionnaires: schemas, cryptography, results, templates. */
export * from './errors.ts'
export * from './schema.ts'
export * from './crypto.ts'
export * from './results.ts'
export * from './templates.ts'
