import { defineConfig } from "vitest/config"

// Test files that drive Effect's TestClock: they get a fresh module graph per file, since a
// shared one hands @effect/vitest and the test different TestClock instances.
const testClockFiles = [
  "test/credentials/credential-pool.test.ts",
  "test/credentials/status.test.ts",
  "test/credentials/token-refresh-schedule.test.ts",
  "test/providers/oauth/device-code.test.ts"
]

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // vitest leaves one core free by default, which on a 2-core machine means one worker:
    // two workers take the suite from about 270 s to about 195 s here
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: testClockFiles,
          // Files share their worker's module cache: Effect, the SDKs and the server load once
          // per worker instead of once per file, which more than halves the suite. Every test
          // builds its own server and services, so no state crosses files through modules.
          poolOptions: { forks: { isolate: false } }
        }
      },
      { extends: true, test: { name: "isolated", include: testClockFiles } }
    ]
  }
})
