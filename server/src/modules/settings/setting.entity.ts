import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** System-wide settings, one JSON document per key; defaults come from the configuration. */
@Entity({ tableName: 'setting' })
export class Setting {
  @PrimaryKey({ type: 'string', length: 64 })
  key!: string;

  @Property({ type: 'json' })
  value!: Record<string, unknown>;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  @Property({ type: 'uuid', nullable: true })
  updatedBy: string | null = null;
}
