// The dashboard's six string tables. Each non-English table is typed as Catalog<Key>, so a
// missing key fails the type check; ui/dashboard/i18n/i18n.test.ts checks that none is left
// in English and that placeholders match.
import type { Catalog, Language } from '../../shared/i18n.ts'
import { en, type Key } from './en.ts'
import { cs } from './cs.ts'
import { de } from './de.ts'
import { es } from './es.ts'
import { hu } from './hu.ts'
import { pl } from './pl.ts'

export type { Key }
export const CATALOGS: Record<Language, Catalog<Key>> = { en, cs, de, es, hu, pl }
