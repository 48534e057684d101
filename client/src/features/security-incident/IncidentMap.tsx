import { geoEqualEarth, geoInterpolate, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPoint } from 'geojson';
import { useMemo } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
// Natural Earth 1:110m countries, shipped with the npm package `world-atlas` (public domain): no map tiles from the internet.
import world from 'world-atlas/countries-110m.json';

export interface MapLogin {
  id: string;
  latitude: number;
  longitude: number;
  label: string;
}
export interface MapLeg {
  fromLoginId: string;
  toLoginId: string;
  distanceKm: number;
  speedKmh: number | null;
  impossible: boolean;
}

const WIDTH = 960;
const HEIGHT = 500;
const topology = world as unknown as Topology<{ countries: GeometryCollection }>;
const countries = feature(topology, topology.objects.countries) as FeatureCollection<Geometry>;

function speedText(speed: number | null): string {
  if (speed === null) return '';
  if (speed >= 1e9) return ', same moment';
  return `, ${Math.round(speed).toLocaleString()} km/h`;
}

/**
 * The incident's logins on a world map: points, and lines in time order labelled with distance and
 * speed (red when impossible). Rendered as SVG with d3-geo from the offline `world-atlas` dataset.
 */
export function IncidentMap({ logins, legs }: { logins: MapLogin[]; legs: MapLeg[] }) {
  const drawn = useMemo(() => {
    // Frame the logins with some margin (at least ±8° around them), so nearby places stay readable.
    const coords = logins.flatMap((l) => [
      [l.longitude, l.latitude],
      [Math.max(-180, l.longitude - 8), Math.max(-85, l.latitude - 8)],
      [Math.min(180, l.longitude + 8), Math.min(85, l.latitude + 8)],
    ]);
    const frame: Feature<MultiPoint> = { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: coords } };
    const projection = geoEqualEarth().fitExtent(
      [
        [24, 24],
        [WIDTH - 24, HEIGHT - 24],
      ],
      logins.length > 0 ? frame : countries,
    );
    const path = geoPath(projection);
    const byId = new Map(logins.map((l) => [l.id, l]));
    return {
      land: countries.features.map((f, i) => ({ key: String(f.id ?? i), d: path(f) ?? '' })),
      points: logins.map((l) => ({ ...l, xy: projection([l.longitude, l.latitude]) })),
      lines: legs.flatMap((leg) => {
        const a = byId.get(leg.fromLoginId);
        const b = byId.get(leg.toLoginId);
        if (!a || !b) return [];
        const d = path({
          type: 'LineString',
          coordinates: [
            [a.longitude, a.latitude],
            [b.longitude, b.latitude],
          ],
        });
        const mid = projection(geoInterpolate([a.longitude, a.latitude], [b.longitude, b.latitude])(0.5));
        return [{ key: `${leg.fromLoginId}-${leg.toLoginId}`, d: d ?? '', mid, leg }];
      }),
    };
  }, [logins, legs]);

  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Map of ${logins.length} logins`}
      data-testid="incident-map"
      style={{ width: '100%', height: 'auto', background: 'var(--mantine-color-blue-0)', borderRadius: 8 }}
    >
      <g>
        {drawn.land.map((c) => (
          <path key={c.key} d={c.d} fill="var(--mantine-color-gray-3)" stroke="white" strokeWidth={0.5} />
        ))}
      </g>
      <g fill="none">
        {drawn.lines.map((l) => (
          <path
            key={l.key}
            d={l.d}
            stroke={l.leg.impossible ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-blue-7)'}
            strokeWidth={2}
            strokeDasharray={l.leg.impossible ? '6 4' : undefined}
          />
        ))}
      </g>
      <g>
        {drawn.points.map(
          (p, i) =>
            p.xy && (
              <g key={p.id} transform={`translate(${p.xy[0]},${p.xy[1]})`}>
                <circle r={6} fill="var(--mantine-color-red-6)" stroke="white" strokeWidth={2} />
                <text
                  x={p.xy[0] > WIDTH * 0.7 ? -9 : 9}
                  y={4}
                  textAnchor={p.xy[0] > WIDTH * 0.7 ? 'end' : 'start'}
                  fontSize={13}
                  fontWeight={600}
                  fill="var(--mantine-color-dark-7)"
                  paintOrder="stroke"
                  stroke="white"
                  strokeWidth={3}
                >
                  {i + 1}. {p.label}
                </text>
              </g>
            ),
        )}
      </g>
      <g>
        {drawn.lines.map(
          (l) =>
            l.mid && (
              <text
                key={l.key}
                x={l.mid[0]}
                y={l.mid[1] - 6}
                textAnchor="middle"
                fontSize={12}
                fill={l.leg.impossible ? 'var(--mantine-color-red-8)' : 'var(--mantine-color-blue-9)'}
                paintOrder="stroke"
                stroke="white"
                strokeWidth={3}
              >
                {l.leg.distanceKm.toLocaleString()} km{speedText(l.leg.speedKmh)}
              </text>
            ),
        )}
      </g>
    </svg>
  );
}
