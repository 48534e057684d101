import type { AuditEntry } from './audit.entity.js';

const HEADER = ['occurredAt', 'actorEmail', 'action', 'targetType', 'targetId', 'targetLabel', 'ip', 'details'];

/**
 * One CSV cell: quoted, quotes doubled, and a leading = + - @ (or tab/CR) neutralised with an
 * apostrophe so a spreadsheet never evaluates audit data as a formula.
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function auditCsvHeader(): string {
  return `${HEADER.join(',')}\r\n`;
}

export function auditCsvRow(e: AuditEntry): string {
  return `${[e.occurredAt, e.actorEmail, e.action, e.targetType, e.targetId, e.targetLabel, e.ip, e.details].map(csvCell).join(',')}\r\n`;
}
