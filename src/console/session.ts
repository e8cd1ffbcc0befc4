/**
 * Who the console acts as: the token, tenant and admin token a visitor picked, kept in
 * cookies so that both the server-rendered pages and the page's script (which sends them as
 * headers, never as cookies, to the API) read the same choice.
 */
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Credentials } from './api.js';

export const DEFAULT_TOKEN = 'demo';

export const COOKIES = {
  token: 'drsim_token',
  tenant: 'drsim_tenant',
  admin: 'drsim_admin',
} as const;

export function credentialsOf(c: Context): Credentials {
  const read = (name: string): string | null => {
    const value = getCookie(c, name)?.trim();
    return value ? value : null;
  };
  const token = read(COOKIES.token) ?? DEFAULT_TOKEN;
  return { token, tenant: read(COOKIES.tenant) ?? token, adminToken: read(COOKIES.admin) };
}
