import { defineConfig } from 'vitest/config'
import { isPeerSocketError } from './node/socket-errors.ts'

/** Three projects: fast unit tests, integration tests over real sockets and disks, and the browser test. */
export default defineConfig({
  test: {
    setupFiles: ['./node/polyfills.ts'],
    // A refused connection to a peer a test just stopped sometimes escapes libp2p as an uncaught socket error;
    // the daemon tolerates exactly these (node/socket-errors.ts), so the tests do too. Anything else fails.
    onUnhandledError: (error) => !isPeerSocketError(error),
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
