import type { AppHandle } from './app.js';
import type { Config } from './config.js';

/**
 * On a database with no admin, prints a one-time setup link to the console (stdout, plain text, so a
 * person sees it among the JSON logs). The token is in the URL fragment, which browsers never send to
 * servers or proxies.
 */
export async function announceSetup(app: AppHandle, config: Config): Promise<void> {
  const base = config.publicUrl.origin;
  const issued = await app.services.accounts.issueSetupTokenIfNeeded(app.orm.em.fork());
  const lines = ['', `  Security center is running at ${base}`];
  if (issued !== undefined) {
    const minutes = Math.round(config.setupTokenTtlSeconds / 60);
    lines.push(
      '',
      '  No admin exists yet. Create the first one (link valid once, for ' + `${minutes} min):`,
      `    ${base}/setup#token=${issued.token}`,
      '  or from a shell, without the browser (type the password at the prompt, then press Enter):',
      '    npx -y pnpm@12.21.0 cli create-admin --email you@example.com --name "Your Name" --password-stdin',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
