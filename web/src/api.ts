import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import { AuthGrpcService } from "./gen/dozer/auth/auth_pb";
import { CommonGrpcService } from "./gen/dozer/common/common_pb";
import { RestService } from "./gen/gantry/v1/rest_pb";
import { describeToken, isExpired } from "./token";

/** callTimeoutMs bounds every call, so a stuck server shows an error. */
const callTimeoutMs = 15_000;

/** Api holds the clients the explorer uses, all over gRPC-Web (binary). */
export interface Api {
  common: ReturnType<typeof createClient<typeof CommonGrpcService>>;
  auth: ReturnType<typeof createClient<typeof AuthGrpcService>>;
  rest: ReturnType<typeof createClient<typeof RestService>>;
}

/**
 * createApi builds clients against the page's own origin. token is read on
 * every call, so changing the token needs no new clients.
 */
export function createApi(token: () => string): Api {
  const bearer: Interceptor = (next) => (req) => {
    const t = token();
    if (t !== "") {
      req.header.set("Authorization", "Bearer " + t);
    }
    return next(req);
  };
  const transport = createGrpcWebTransport({
    baseUrl: window.location.origin,
    useBinaryFormat: true,
    defaultTimeoutMs: callTimeoutMs,
    interceptors: [bearer],
  });
  return {
    common: createClient(CommonGrpcService, transport),
    auth: createClient(AuthGrpcService, transport),
    rest: createClient(RestService, transport),
  };
}

/**
 * explain turns a failed call into a sentence for the user. The server's own
 * message is kept, because it says what exactly was wrong.
 */
export function explain(err: unknown, token: string): string {
  const e = ConnectError.from(err);
  const detail = e.rawMessage.trim();
  const said = detail === "" ? "" : ` The server said: “${detail}”.`;
  switch (e.code) {
    case Code.Unauthenticated:
      if (token === "") {
        return "This server needs an access token. Paste one above and choose “Use token”.";
      }
      if (isExpired(describeToken(token))) {
        const at = describeToken(token)?.expiresAt?.toLocaleString() ?? "";
        return `This token expired (${at}). Paste a fresh one.`;
      }
      return "The server did not accept this token: it may be expired, malformed " +
        "or signed with another key." + said;
    case Code.PermissionDenied:
      return "This token is not allowed to do that." + said;
    case Code.InvalidArgument:
      return "The server rejected the request." + said;
    case Code.NotFound:
      return "Not found." + said;
    case Code.DeadlineExceeded:
      return "The server took too long to answer. Try a narrower filter.";
    case Code.Unavailable:
      return "The server could not be reached." + said;
    case Code.ResourceExhausted:
      return "The server is busy or the answer is too large." + said;
    default:
      return `The call failed (${Code[e.code] ?? "unknown"}).` + said;
  }
}

/** errorCode returns the Connect code of a failed call. */
export function errorCode(err: unknown): Code {
  return ConnectError.from(err).code;
}
