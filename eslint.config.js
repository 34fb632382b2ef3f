// ESLint: typescript-eslint (with type information, for no-floating-promises and return-await) and Svelte.
import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import svelteConfig from './svelte.config.js'

export default tseslint.config(
  {
    ignores: ['dist/', '.svelte-kit/', 'node_modules/', 'test-results/', 'coverage/', '.musette-demo/']
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte']
      }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off'
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, svelteConfig } }
  },
  {
    // Library code logs through its caller, never to the console.
    files: ['node/**/*.ts', 'credentials/**/*.ts', 'protocols/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' }
  },
  {
    // credentials/ and protocols/ run in a browser too: no Node built-ins.
    files: [
      'credentials/**/*.ts',
      'protocols/**/*.ts',
      'node/model/**/*.ts',
      'node/vault/crypto.ts',
      'node/vault/vault.ts',
      'node/importers/**/*.ts'
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'browser-safe module: no Node built-ins here' }] }
      ]
    }
  }
)
