import { describe, expect, it } from 'vitest';
import { cityFields } from './city-record.js';

describe('a city database record', () => {
  it('is read in DB-IP Lite’s flat layout (the embedded database)', () => {
    expect(cityFields({ city: 'Berlin', country_code: 'DE', latitude: 52.52, longitude: 13.405, state1: 'Land Berlin' })).toEqual(
      { countryCode: 'DE', region: 'Land Berlin', city: 'Berlin', latitude: 52.52, longitude: 13.405 },
    );
  });

  it('is read in GeoIP2 / GeoLite2 City’s nested layout (a commercial database)', () => {
    expect(
      cityFields({
        city: { geoname_id: 2950159, names: { de: 'Berlin', en: 'Berlin', fr: 'Berlin' } },
        country: { iso_code: 'DE', names: { en: 'Germany' } },
        location: { accuracy_radius: 20, latitude: 52.5244, longitude: 13.4105, time_zone: 'Europe/Berlin' },
        subdivisions: [{ iso_code: 'BE', names: { en: 'Land Berlin' } }],
      }),
    ).toEqual({ countryCode: 'DE', region: 'Land Berlin', city: 'Berlin', latitude: 52.5244, longitude: 13.4105 });
    // Only a country (a country-level record), named in another language, or only the registered country.
    expect(cityFields({ registered_country: { iso_code: 'fr' }, city: { names: { ja: 'パリ' } } })).toEqual({
      countryCode: 'FR',
      region: null,
      city: 'パリ',
      latitude: null,
      longitude: null,
    });
  });

  it('gives nothing for no record, and nulls for empty fields', () => {
    expect(cityFields(null)).toBeNull();
    expect(cityFields({ city: '', country_code: '' })).toEqual({
      countryCode: null,
      region: null,
      city: null,
      latitude: null,
      longitude: null,
    });
  });
});
