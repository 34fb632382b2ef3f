import { defineConfig } from 'vitest/config'

/** Three projects: fast unit tests, integration tests over real sockets and disks, and the browser test. */
export default defineConfig({
  test: {
    setupFiles: ['./node/polyfills.ts'],
    allowOnly: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'node/**/*.test.ts',
            'credentials/**/*.test.ts',
            'protocols/**/*.test.ts',
            'scripts/**/*.test.ts'
          ],
          testTimeout: 20_000
        }
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.browser.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      }
    ]
  }
})
