/**
 * The place in a city database record, whichever of the two common layouts the MMDB file uses:
 * DB-IP Lite's flat one (`country_code`, `state1`, `city` as text, `latitude`) — the embedded
 * database — or MaxMind GeoIP2/GeoLite2 City's nested one (`country.iso_code`, `subdivisions[0].names`,
 * `city.names`, `location.latitude`), which `GEOIP_CITY_DB` may name instead.
 */
export interface CityFields {
  countryCode: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
}

type Names = { names?: Record<string, string> };

interface AnyCityRecord {
  // DB-IP Lite
  country_code?: string;
  state1?: string;
  city?: string | Names;
  latitude?: number;
  longitude?: number;
  // GeoIP2 / GeoLite2 City
  country?: { iso_code?: string };
  registered_country?: { iso_code?: string };
  subdivisions?: (Names & { iso_code?: string })[];
  location?: { latitude?: number; longitude?: number };
}

/** English name first, else any name the record has. */
function nameOf(value: Names | undefined): string | null {
  const names = value?.names;
  if (!names) return null;
  return names['en'] ?? Object.values(names)[0] ?? null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export function cityFields(record: unknown): CityFields | null {
  if (record === null || typeof record !== 'object') return null;
  const r = record as AnyCityRecord;
  const countryCode = text(r.country_code) ?? text(r.country?.iso_code) ?? text(r.registered_country?.iso_code);
  return {
    countryCode: countryCode?.toUpperCase() ?? null,
    region: text(r.state1) ?? nameOf(r.subdivisions?.[0]),
    city: typeof r.city === 'string' ? text(r.city) : nameOf(r.city),
    latitude: num(r.latitude) ?? num(r.location?.latitude),
    longitude: num(r.longitude) ?? num(r.location?.longitude),
  };
}
