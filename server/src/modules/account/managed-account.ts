import type { Context } from '../../context.js';
import { notFound } from '../../common/errors/errors.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { Account } from './account.entity.js';

/** Another account, by id, that the viewer may manage (its role's rank): BAD_USER_INPUT, NOT_FOUND or FORBIDDEN otherwise. */
export async function managedAccount(ctx: Context, accountId: string): Promise<Account> {
  assertUuid(accountId, 'accountId');
  const account = await ctx.em.findOne(Account, { id: accountId });
  if (!account) throw notFound('Account');
  ctx.services.accounts.assertMayManageRole(ctx.viewer!, account.role);
  return account;
}
