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

@Resolver()
export class MailResolver {
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
