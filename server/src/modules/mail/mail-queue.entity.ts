import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * Notification e-mails not yet delivered (see MailService.notify): each is written here before it is
 * sent and deleted once the mail server took it, so a mail server that is down, or a restart, delays a
 * notification instead of losing it; one given up stays a week, for admins to see. The message (recipient, subject, text) is sealed with the server's
 * encryption key, bound to the row's id: some carry links (a password reset, an incident answer) that
 * must not be readable from a copy of the database.
 */
@Entity({ tableName: 'mail_queue' })
@Index({ name: 'mail_queue_due_idx', properties: ['nextAttemptAt'] })
export class QueuedMail {
  [OptionalProps]?: 'id' | 'createdAt' | 'attempts' | 'nextAttemptAt' | 'claim' | 'lastError' | 'givenUpAt';

  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  /** AES-256-GCM of the message as JSON (secret-box format), the id as associated data. */
  @Property({ type: 'text' })
  sealed!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  /** Attempts that failed so far. */
  @Property({ type: 'integer', default: 0 })
  attempts = 0;

  /** When it may be tried (again): in the future while an instance holds it for a try of its own. */
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  nextAttemptAt: Date = new Date();

  /** Marks the try that holds it now (null between tries): only that try's outcome updates the row. */
  @Property({ type: 'uuid', nullable: true })
  claim: string | null = null;

  /** What the mail server (or the connection to it) answered last time, any address in it taken out. */
  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  /**
   * When it was given up (refused for good, or a day old): kept a week for admins to see (MailService.
   * deliveryProblems), its sealed message cut to recipient and subject (no links are kept).
   */
  @Property({ type: 'datetime', nullable: true })
  givenUpAt: Date | null = null;
}
