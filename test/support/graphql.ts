/** A minimal GraphQL-over-HTTP client with a cookie jar, like a browser tab (or an integrator). */
export interface GqlResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data: T | null | undefined;
  errors: { message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }[] | undefined;
}

export class GqlClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  /** The same caller (cookies, headers) talking to another instance. */
  withBaseUrl(url: string): GqlClient {
    const c = new GqlClient(url, this.defaultHeaders);
    for (const [k, v] of this.cookies) c.cookies.set(k, v);
    return c;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  getCookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async raw(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
        ...this.defaultHeaders,
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GqlResponse<T>> {
    const res = await this.raw({ query, variables }, headers);
    const json = (await res.json()) as { data?: T | null; errors?: GqlResponse['errors'] };
    return { status: res.status, headers: res.headers, data: json.data, errors: json.errors };
  }
}

/** The `extensions.code` of every error, in order. */
export function codes(res: GqlResponse<unknown>): (string | undefined)[] {
  return (res.errors ?? []).map((e) => e.extensions?.code);
}
