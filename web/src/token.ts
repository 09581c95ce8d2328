// The user's token lives in sessionStorage only: it survives a reload of the
// tab and is gone when the tab closes, and other tabs never see it.

const storageKey = "gantry.explorer.token";

/** loadToken returns the tab's saved token, or "" when there is none. */
export function loadToken(): string {
  try {
    return sessionStorage.getItem(storageKey) ?? "";
  } catch {
    return "";
  }
}

/** saveToken keeps token for this tab; an empty token forgets it. */
export function saveToken(token: string): void {
  try {
    if (token === "") {
      sessionStorage.removeItem(storageKey);
    } else {
      sessionStorage.setItem(storageKey, token);
    }
  } catch {
    // Storage may be disabled; the token then lasts until the page reloads.
  }
}

/**
 * TokenInfo is what a token's payload claims. It is decoded for display only:
 * the server verifies every call, and nothing here grants anything.
 */
export interface TokenInfo {
  master: boolean;
  /** Endpoints a Custom token names; empty for a master token. */
  endpoints: string[];
  expiresAt?: Date;
}

/** describeToken decodes a JWT's payload, or returns undefined if it cannot. */
export function describeToken(token: string): TokenInfo | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) {
    return undefined;
  }
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(parts[1]));
  } catch {
    return undefined;
  }
  if (typeof claims !== "object" || claims === null) {
    return undefined;
  }
  const { access, exp } = claims as { access?: unknown; exp?: unknown };
  const info: TokenInfo = { master: false, endpoints: [] };
  if (access === "All" || (isObject(access) && "All" in access)) {
    info.master = true;
  } else if (isObject(access) && isObject(access.Custom)) {
    info.endpoints = Object.keys(access.Custom);
  }
  if (typeof exp === "number" && Number.isFinite(exp)) {
    info.expiresAt = new Date(exp * 1000);
  }
  return info;
}

/** isExpired reports whether the token claims an expiry in the past. */
export function isExpired(info: TokenInfo | undefined, now = new Date()): boolean {
  return info?.expiresAt !== undefined && info.expiresAt.getTime() <= now.getTime();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function decodeBase64Url(s: string): string {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
