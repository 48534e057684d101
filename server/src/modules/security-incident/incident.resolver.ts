import DataLoader from 'dataloader';
import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import type { Context } from '../../context.js';
import { isAllowed } from '../../common/auth/auth-checker.js';
import { Permission } from '../../common/auth/roles.js';
import { badInput, forbidden, unauthenticated } from '../../common/errors/errors.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { Account } from '../account/account.entity.js';
import { PageInput } from '../account/account.inputs.js';
import { visibleRoles } from '../account/account.service.js';
import { LoginEvent } from '../login-event/login-event.entity.js';
import { SessionStage } from '../session/session.entity.js';
import type { IncidentEventPayload } from './incident-events.js';
import { legs, type LocatedLogin } from './incident-rules.js';
import { SecurityIncident } from './incident.entity.js';
import { loosens } from '../settings/settings.service.js';
import {
  CompromisedResolution,
  DismissIncidentInput,
  IncidentEvent,
  IncidentFilterInput,
  IncidentHolderAnswer,
  IncidentLeg,
  IncidentSettingsInput,
  IncidentSettingsType,
  MarkIncidentIpsSafeInput,
  SecurityIncidentPage,
  TreatIncidentAsCompromisedInput,
} from './incident.types.js';

/** GraphQL `Float` cannot carry Infinity: same-instant logins in far-apart places report 1e9 km/h. */
const INFINITE_SPEED = 1e9;

/**
 * One request's batch loaders: a page of incidents selecting `logins` or `legs` reads them for every
 * incident on the page in one go, not once per incident (200 incidents, and aliases of them, would
 * otherwise be hundreds of round trips in one request).
 */
interface IncidentLoaders {
  logins: DataLoader<string, LoginEvent[]>;
  located: DataLoader<string, LocatedLogin[]>;
}
const loaders = new WeakMap<Context, IncidentLoaders>();

function loadersOf(ctx: Context): IncidentLoaders {
  let l = loaders.get(ctx);
  if (!l) {
    const { incidents } = ctx.services;
    l = {
      logins: new DataLoader(async (ids) => {
        const byId = await incidents.loginEventsOf(ctx.em, ids);
        return ids.map((id) => byId.get(id) ?? []);
      }),
      located: new DataLoader(async (ids) => {
        const byId = await incidents.locatedLoginsOf(ctx.em, ids);
        return ids.map((id) => byId.get(id) ?? []);
      }),
    };
    loaders.set(ctx, l);
  }
  return l;
}

@Resolver(() => SecurityIncident)
export class IncidentResolver {
  @FieldResolver(() => Account, { description: 'The account whose logins raised it.' })
  account(@Root() incident: SecurityIncident): Account {
    return incident.account;
  }

  @FieldResolver(() => Account, { nullable: true, description: 'Who resolved it.' })
  resolvedBy(@Root() incident: SecurityIncident): Account | null {
    return incident.resolvedBy;
  }

  @FieldResolver(() => [LoginEvent], {
    description: 'The logins it collected, oldest first: time, IP, place, ASN/organisation, service, user agent, outcome.',
  })
  async logins(@Root() incident: SecurityIncident, @Ctx() ctx: Context): Promise<LoginEvent[]> {
    return loadersOf(ctx).logins.load(incident.id);
  }

  @FieldResolver(() => [IncidentLeg], { description: 'Consecutive located logins with distance, time and speed.' })
  async legs(@Root() incident: SecurityIncident, @Ctx() ctx: Context): Promise<IncidentLeg[]> {
    const s = await ctx.services.settings.incidents(ctx.em);
    const located = await loadersOf(ctx).located.load(incident.id);
    return legs(located, s).map((l) =>
      Object.assign(new IncidentLeg(), {
        fromLoginId: l.fromId,
        toLoginId: l.toId,
        distanceKm: l.distanceKm,
        hours: l.hours,
        speedKmh: l.speedKmh === Number.POSITIVE_INFINITY ? INFINITE_SPEED : l.speedKmh,
        impossible: l.impossible,
      }),
    );
  }

  @Authorized(Permission.READ_INCIDENTS)
  @Query(() => SecurityIncidentPage, {
    description:
      'Security incidents: open first, then most recently changed. Needs READ_INCIDENTS. A sub-admin sees the incidents of users, and of sub-admins with MANAGE_SUB_ADMINS; never an admin’s.',
  })
  async securityIncidents(
    @Ctx() ctx: Context,
    @Arg('filter', () => IncidentFilterInput, { nullable: true, description: 'Filters.' }) filter?: IncidentFilterInput,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging.' }) page?: PageInput,
  ): Promise<SecurityIncidentPage> {
    const p = page ?? new PageInput();
    if (filter?.accountId) assertUuid(filter.accountId, 'filter.accountId');
    const [nodes, totalCount] = await ctx.services.incidents.list(
      ctx.em,
      visibleRoles(ctx.viewer!),
      filter ?? {},
      p.limit,
      p.offset,
    );
    return Object.assign(new SecurityIncidentPage(), { nodes, totalCount });
  }

  @Authorized(Permission.READ_INCIDENTS)
  @Query(() => SecurityIncident, {
    description:
      'One incident with its logins. Needs READ_INCIDENTS; NOT_FOUND for one the viewer may not see (see `securityIncidents`).',
  })
  async securityIncident(
    @Arg('id', () => ID, { description: 'Incident id.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<SecurityIncident> {
    assertUuid(id, 'id');
    return ctx.services.incidents.get(ctx.em, id, false, visibleRoles(ctx.viewer!));
  }

  @Authorized(Permission.READ_INCIDENTS)
  @Query(() => Int, {
    description: 'How many incidents the viewer may see are open (the navigation badge). Needs READ_INCIDENTS.',
  })
  async openIncidentCount(@Ctx() ctx: Context): Promise<number> {
    return ctx.services.incidents.openCount(ctx.em, visibleRoles(ctx.viewer!));
  }

  @Authorized(Permission.RESOLVE_INCIDENTS)
  @Mutation(() => SecurityIncident, {
    description:
      'Resolves an open incident by marking chosen addresses of it safe for its account: logins from them are never blocked and never raise an incident again. ALREADY_RESOLVED when it is not open. Audited. Needs RESOLVE_INCIDENTS; a staff account’s incident also the right to manage that account (a sub-admin’s MANAGE_SUB_ADMINS, an admin’s an admin), and a sub-admin never settles its own.',
  })
  async markIncidentIpsSafe(
    @Arg('input', () => MarkIncidentIpsSafeInput, { description: 'Incident and addresses.' }) input: MarkIncidentIpsSafeInput,
    @Ctx() ctx: Context,
  ): Promise<SecurityIncident> {
    assertUuid(input.id, 'id');
    return ctx.services.incidents.markSafe(ctx, input.id, input.ips, input.note?.trim() || null);
  }

  @Authorized(Permission.RESOLVE_INCIDENTS)
  @Mutation(() => SecurityIncident, {
    description:
      'Resolves an open incident as harmless, with a note. ALREADY_RESOLVED when it is not open. Audited. Needs RESOLVE_INCIDENTS; a staff account’s incident also the right to manage that account (a sub-admin’s MANAGE_SUB_ADMINS, an admin’s an admin), and a sub-admin never settles its own.',
  })
  async dismissIncident(
    @Arg('input', () => DismissIncidentInput, { description: 'Incident and note.' }) input: DismissIncidentInput,
    @Ctx() ctx: Context,
  ): Promise<SecurityIncident> {
    assertUuid(input.id, 'id');
    const note = input.note.trim();
    if (note.length === 0) {
      throw badInput([{ field: 'note', reason: 'REQUIRED', message: 'Say why the incident is harmless.' }]);
    }
    return ctx.services.incidents.dismiss(ctx, input.id, note);
  }

  @Authorized(Permission.RESOLVE_INCIDENTS)
  @Mutation(() => CompromisedResolution, {
    description:
      'Resolves an incident as an intrusion: revokes every session and API token of the account and the API tokens it minted, removes its trusted entries that cover the incident’s addresses, forgets its familiar places, closes for good an admin’s waiting requests to reset other admins’ 2FA (not from a session of one of their targets: FORBIDDEN, reason RESET_TARGET), and forces a password reset and/or locks the account. Works on an open incident, and on one resolved otherwise (dismissed, IPs marked safe) whose holder then answered "This wasn\'t me" (DENIED); ALREADY_RESOLVED otherwise. Audited. Needs RESOLVE_INCIDENTS; a staff account’s incident also the right to manage that account (a sub-admin’s MANAGE_SUB_ADMINS, an admin’s an admin), and a sub-admin never settles its own.',
  })
  async treatIncidentAsCompromised(
    @Arg('input', () => TreatIncidentAsCompromisedInput, { description: 'Incident and measures.' })
    input: TreatIncidentAsCompromisedInput,
    @Ctx() ctx: Context,
  ): Promise<CompromisedResolution> {
    assertUuid(input.id, 'id');
    const r = await ctx.services.incidents.compromised(ctx, input.id, {
      requirePasswordReset: input.requirePasswordReset,
      lockAccount: input.lockAccount,
      note: input.note?.trim() || null,
    });
    return Object.assign(new CompromisedResolution(), r);
  }

  @Mutation(() => IncidentHolderAnswer, {
    description:
      'The account holder’s answer from the incident e-mail ("It was me" / "This wasn\'t me"). Public: the single-use link token is the authorization.',
  })
  async respondToIncident(
    @Arg('token', () => String, { description: 'Token from the e-mailed link.' }) token: string,
    @Ctx() ctx: Context,
  ): Promise<IncidentHolderAnswer> {
    const r = await ctx.services.incidents.respond(ctx.em, token.trim(), { clientIp: ctx.clientIp, userAgent: ctx.userAgent });
    return Object.assign(new IncidentHolderAnswer(), { answer: r.answer });
  }

  @Authorized(Permission.MANAGE_SETTINGS)
  @Query(() => IncidentSettingsType, { description: 'When logins raise incidents. Needs MANAGE_SETTINGS.' })
  async incidentSettings(@Ctx() ctx: Context): Promise<IncidentSettingsType> {
    return Object.assign(new IncidentSettingsType(), await ctx.services.settings.incidents(ctx.em));
  }

  @Authorized(Permission.MANAGE_SETTINGS)
  @Mutation(() => IncidentSettingsType, {
    description:
      'Changes when logins raise incidents. Audited. Needs MANAGE_SETTINGS; a change that raises less (off, a shorter window, a longer distance, a faster speed, more failures) also needs a recent re-authentication.',
  })
  async updateIncidentSettings(
    @Arg('input', () => IncidentSettingsInput, { description: 'Fields to change.' }) input: IncidentSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<IncidentSettingsType> {
    const after = await ctx.services.settings.updateIncidents(
      ctx.em,
      ctx.viewer!.account.id,
      (before) => {
        const patch = {
          enabled: input.enabled ?? undefined,
          windowSeconds: input.windowSeconds ?? undefined,
          distanceKm: input.distanceKm ?? undefined,
          maxSpeedKmh: input.maxSpeedKmh ?? undefined,
          failuresBeforeSuccess: input.failuresBeforeSuccess ?? undefined,
        };
        // Switching detection off, or tuning it to raise less (a shorter window, a longer distance, a
        // faster speed, more failures), silences alerts as switching 2FA off weakens sign-ins: a recent
        // re-authentication first (never a token). Tightening needs none.
        const weakens = loosens(before, patch, {
          enabled: 'off',
          windowSeconds: 'lower',
          distanceKm: 'higher',
          maxSpeedKmh: 'higher',
          failuresBeforeSuccess: 'higher',
        });
        if (weakens) ctx.services.twoFactor.requireRecentReauth(ctx);
        return patch;
      },
      ctx.services.audit.settingsChanged(ctx, { type: 'Settings', label: 'incidents' }),
    );
    return Object.assign(new IncidentSettingsType(), after);
  }

  @Authorized(Permission.READ_INCIDENTS)
  @Subscription(() => IncidentEvent, {
    description:
      'Live changes to security incidents: opened, updated, resolved, or deleted with their account (over graphql-ws on the API path). Only a signed-in dashboard session with READ_INCIDENTS may subscribe; the socket closes when the session ends. Only incidents the viewer may see (see `securityIncidents`), and `openIncidents` counts only those.',
    subscribe: ({ context: raw }: SubscribeResolverData) => {
      const context = raw as Context;
      const viewer = context.viewer;
      if (!viewer || viewer.session?.stage !== SessionStage.FULL) throw unauthenticated();
      if (context.accessRefused || !isAllowed(viewer, Permission.READ_INCIDENTS)) throw forbidden();
      return context.services.incidents.events.subscribe(visibleRoles(viewer));
    },
  })
  incidentEvents(@Root() event: IncidentEventPayload): IncidentEvent {
    return event as unknown as IncidentEvent;
  }
}
