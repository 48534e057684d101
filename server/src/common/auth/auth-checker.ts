import type { AuthCheckerFn } from 'type-graphql';
import type { Context, Viewer } from '../../context.js';
import { SessionStage } from '../../modules/session/session.entity.js';
import { ErrorCode } from '../errors/codes.js';
import { appError, forbidden, unauthenticated } from '../errors/errors.js';
import { Permission, Role, StageRule } from './roles.js';

/**
 * The one authorization layer. `@Authorized()` needs a full session; `@Authorized(Role.ADMIN)` an
 * admin; `@Authorized(Permission.X)` an admin or a sub-admin holding X (several permissions: any of
 * them). Resolvers never check roles by hand.
 */
export const authChecker: AuthCheckerFn<Context, string> = ({ context }, rules) => {
  const viewer = context.viewer;
  if (context.accessRefused)
    throw appError(ErrorCode.IP_NOT_ALLOWED, 'Your account only accepts requests from the IPs in its access list.');
  const stageRule = rules.find((r) => r.startsWith('STAGE:')) as StageRule | undefined;
  if (stageRule !== undefined) {
    if (viewer === null) throw unauthenticated();
    const stage = viewer.principal.stage;
    if (stage === null) throw forbidden(); // API tokens have no sign-in steps
    if (!STAGES[stageRule].includes(stage)) {
      // A full session asking for a step it already passed is refused; a pending one is not signed in yet.
      throw stage === SessionStage.FULL ? forbidden() : unauthenticated();
    }
    return true;
  }
  if (viewer === null || (viewer.principal.apiTokenId === null && viewer.principal.stage !== SessionStage.FULL))
    throw unauthenticated();
  if (rules.length === 0) return true;
  if (rules.some((rule) => isAllowed(viewer, rule))) return true;
  throw forbidden();
};

const STAGES: Record<StageRule, SessionStage[]> = {
  [StageRule.SECOND_STEP]: [SessionStage.PENDING_SECOND_FACTOR],
  [StageRule.ENROLL]: [SessionStage.FULL, SessionStage.ENROLLMENT_REQUIRED],
  [StageRule.SECOND_STEP_OR_FULL]: [SessionStage.FULL, SessionStage.PENDING_SECOND_FACTOR],
  [StageRule.SESSION]: [SessionStage.FULL],
};

const PERMISSIONS = new Set<string>(Object.values(Permission));

export function isAllowed(viewer: Viewer, rule: string): boolean {
  const account = viewer.principal;
  if (account.role === Role.ADMIN) return true;
  if (rule === Role.ADMIN) return false;
  if (PERMISSIONS.has(rule)) return account.role === Role.SUB_ADMIN && account.permissions.includes(rule as Permission);
  return false;
}

export function hasPermission(viewer: Viewer, permission: Permission): boolean {
  return isAllowed(viewer, permission);
}
