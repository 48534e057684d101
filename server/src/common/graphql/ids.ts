import { badInput } from '../errors/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Ids are UUIDs; anything else is bad input, answered before it reaches the database. */
export function assertUuid(id: string, field: string): void {
  if (!UUID.test(id)) throw badInput([{ field, reason: 'INVALID_ID', message: 'Not a valid id.' }]);
}
