import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122235944 } from './Migration20261122235944.js';
import { Migration20261130110000 } from './Migration20261130110000.js';
import { Migration20261130120000 } from './Migration20261130120000.js';
import { Migration20261130140000 } from './Migration20261130140000.js';
import { Migration20261130150000 } from './Migration20261130150000.js';
import { Migration20261130160000 } from './Migration20261130160000.js';
import { Migration20261130230000 } from './Migration20261130230000.js';
import { Migration20261201050000 } from './Migration20261201050000.js';
import { Migration20261201100000 } from './Migration20261201100000.js';
import { Migration20261201140000 } from './Migration20261201140000.js';
import { Migration20261201150000 } from './Migration20261201150000.js';
import { Migration20261122234842 } from './Migration20261122234842.js';
import { Migration20261122232930 } from './Migration20261122232930.js';
import { Migration20261122231730 } from './Migration20261122231730.js';
import { Migration20261122190520 } from './Migration20261122190520.js';
import { Migration20261122160427 } from './Migration20261122160427.js';
import { Migration20261122155342 } from './Migration20261122155342.js';
import { Migration20261122151053 } from './Migration20261122151053.js';
import { Migration20261122150759 } from './Migration20261122150759.js';
import { Migration20261122145016 } from './Migration20261122145016.js';
import { Migration20261122141132 } from './Migration20261122141132.js';

/** Every migration in order. `pnpm migration:create` appends new ones here. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122141132', class: Migration20261122141132 },
  { name: 'Migration20261122145016', class: Migration20261122145016 },
  { name: 'Migration20261122150759', class: Migration20261122150759 },
  { name: 'Migration20261122151053', class: Migration20261122151053 },
  { name: 'Migration20261122155342', class: Migration20261122155342 },
  { name: 'Migration20261122160427', class: Migration20261122160427 },
  { name: 'Migration20261122190520', class: Migration20261122190520 },
  { name: 'Migration20261122231730', class: Migration20261122231730 },
  { name: 'Migration20261122232930', class: Migration20261122232930 },
  { name: 'Migration20261122234842', class: Migration20261122234842 },
  { name: 'Migration20261122235944', class: Migration20261122235944 },
  { name: 'Migration20261130110000', class: Migration20261130110000 },
  { name: 'Migration20261130120000', class: Migration20261130120000 },
  { name: 'Migration20261130140000', class: Migration20261130140000 },
  { name: 'Migration20261130150000', class: Migration20261130150000 },
  { name: 'Migration20261130160000', class: Migration20261130160000 },
  { name: 'Migration20261130230000', class: Migration20261130230000 },
  { name: 'Migration20261201050000', class: Migration20261201050000 },
  { name: 'Migration20261201100000', class: Migration20261201100000 },
  { name: 'Migration20261201140000', class: Migration20261201140000 },
  { name: 'Migration20261201150000', class: Migration20261201150000 },
];
