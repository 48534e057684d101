import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { Role } from '../../common/auth/roles.js';
import { badInput } from '../../common/errors/errors.js';
import { readOutbox } from './outbox.js';

@ObjectType('OutboxMessage', { description: 'An e-mail written to the local outbox instead of being sent.' })
export class OutboxMessage {
  @Field(() => String, { description: 'File name in the outbox folder.' })
  file!: string;

  @Field(() => String, { description: 'Recipient.' })
  to!: string;

  @Field(() => String, { description: 'Subject.' })
  subject!: string;

  @Field(() => Date, { nullable: true, description: 'When it was written.' })
  date!: Date | null;

  @Field(() => String, { description: 'The plain-text body (codes and links included: development only).' })
  text!: string;
}

@ObjectType('DevOutbox', { description: 'The local outbox used when no SMTP server is configured.' })
export class DevOutbox {
  @Field(() => Boolean, {
    description: 'True outside production when no SMTP_URL is set: messages are files in DATA_DIR/outbox, shown here.',
  })
  enabled!: boolean;

  @Field(() => [OutboxMessage], { description: 'Newest first; empty when not enabled.' })
  messages!: OutboxMessage[];
}

@ObjectType('UndeliveredMail', { description: 'A notification e-mail the mail server has not taken (yet).' })
export class UndeliveredMail {
  @Field(() => String, { nullable: true, description: 'Recipient; null when it cannot be read any more (keys replaced).' })
  to!: string | null;

  @Field(() => String, { nullable: true, description: 'Subject; null when it cannot be read any more.' })
  subject!: string | null;

  @Field(() => Date, { description: 'When it was written to the queue.' })
  queuedAt!: Date;

  @Field(() => Int, { description: 'Tries that failed.' })
  attempts!: number;

  @Field(() => String, {
    nullable: true,
    description: 'What the mail server (or the connection) answered last, addresses taken out.',
  })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: 'When it is tried again; null once given up.' })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was given up (refused for good, or a day old); kept a week.' })
  givenUpAt!: Date | null;
}

@ObjectType('MailDelivery', { description: 'Notification e-mails that did not get through (see the README: e-mail).' })
export class MailDelivery {
  @Field(() => Int, { description: 'Notifications a try failed for, waiting to be tried again.' })
  waiting!: number;

  @Field(() => Int, { description: 'Notifications given up in the last week.' })
  givenUp!: number;

  @Field(() => [UndeliveredMail], { description: 'The latest of both, newest first.' })
  messages!: UndeliveredMail[];
}

@Resolver()
export class MailResolver {
  @Authorized(Role.ADMIN)
  @Query(() => MailDelivery, {
    description:
      'Notification e-mails (incident alerts, method changes, …) the mail server has not taken: those waiting for another try and those given up in the last week, with the server’s last answer. Admins only.',
  })
  async mailDelivery(
    @Ctx() ctx: Context,
    @Arg('limit', () => Int, { defaultValue: 20, description: 'How many messages to list, 1–100.' }) limit: number,
  ): Promise<MailDelivery> {
    if (limit < 1 || limit > 100) throw badInput([{ field: 'limit', reason: 'OUT_OF_RANGE', message: 'limit must be 1–100.' }]);
    const p = await ctx.services.mail.deliveryProblems(limit);
    return Object.assign(new MailDelivery(), {
      waiting: p.waiting,
      givenUp: p.givenUp,
      messages: p.messages.map((m) => Object.assign(new UndeliveredMail(), m)),
    });
  }

  @Authorized(Role.ADMIN)
  @Query(() => DevOutbox, {
    description:
      'The e-mails the product wrote to its local outbox (no SMTP configured), newest first. Development and test only (never in production, where messages may carry live codes); admins only.',
  })
  async devOutbox(
    @Ctx() ctx: Context,
    @Arg('limit', () => Int, { defaultValue: 50, description: 'How many, 1–200.' }) limit: number,
  ): Promise<DevOutbox> {
    if (limit < 1 || limit > 200) throw badInput([{ field: 'limit', reason: 'OUT_OF_RANGE', message: 'limit must be 1–200.' }]);
    const dir = ctx.services.mail.outboxDir;
    const enabled = dir !== undefined && ctx.services.config.nodeEnv !== 'production';
    const messages = enabled ? await readOutbox(dir, limit) : [];
    return Object.assign(new DevOutbox(), { enabled, messages: messages.map((m) => Object.assign(new OutboxMessage(), m)) });
  }
}
