import { Field, ID, ObjectType } from 'type-graphql';
import type { Session } from './session.entity.js';
import { SessionStage } from './session.entity.js';

/** The public face of a session: never the token or its hash. */
@ObjectType('SessionInfo', { description: 'A signed-in browser or device.' })
export class SessionInfo {
  @Field(() => ID, { description: 'Session identifier (not the secret token).' })
  id!: string;

  @Field(() => SessionStage, { description: 'How far the sign-in got.' })
  stage!: SessionStage;

  @Field(() => Date, { description: 'When the session started.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'Last request seen (updated at most once a minute).' })
  lastSeenAt!: Date;

  @Field(() => Date, { description: 'Absolute expiry, whatever the activity.' })
  expiresAt!: Date;

  @Field(() => String, { description: 'IP address the session was created from.' })
  ip!: string;

  @Field(() => String, { nullable: true, description: 'User agent that created the session.' })
  userAgent!: string | null;

  @Field(() => Boolean, { description: 'True for the session making this request.' })
  current!: boolean;

  static from(session: Session, currentId: string | undefined): SessionInfo {
    return Object.assign(new SessionInfo(), {
      id: session.id,
      stage: session.stage,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      expiresAt: session.expiresAt,
      ip: session.ip,
      userAgent: session.userAgent,
      current: session.id === currentId,
    });
  }
}
