// bun test preload: when a file is run on its own (`bun test path`), start the run's PostgreSQL
// here; under the test runner (scripts/test.ts) the cluster is already there and shared.
import { afterAll } from 'bun:test'
import { startTestCluster } from './test-cluster.ts'

export { TEMPLATE } from './test-cluster.ts'

if (!process.env.PARLEY_TEST_ADMIN_URL) {
  const cluster = await startTestCluster()
  Object.assign(process.env, cluster.env)
  afterAll(() => cluster.stop())
}
