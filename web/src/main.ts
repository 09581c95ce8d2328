import "./style.css";

import { Code } from "@connectrpc/connect";

import { createApi, errorCode, explain } from "./api";
import { Browser } from "./browse";
import { byId, clearMessage, el, InputError, showMessage } from "./dom";
import { Minter } from "./mint";
import { describeToken, isExpired, loadToken, saveToken } from "./token";

let token = loadToken();
const api = createApi(() => token);

const tokenInput = byId<HTMLInputElement>("token-input");
const endpointList = byId("endpoint-list");

function fail(err: unknown): void {
  if (err instanceof InputError) {
    showMessage(err.message);
    return;
  }
  showMessage(explain(err, token));
  if (errorCode(err) === Code.Unauthenticated) {
    // A token the server refuses grants nothing: show nothing of the old view.
    renderEndpoints([]);
    browser.close();
    minter.hide();
  }
}

const browser = new Browser(api, fail, clearMessage);
const minter = new Minter(api, fail, clearMessage, (t) => void useToken(t));

// useToken keeps the token for this tab and reloads what it may see.
async function useToken(next: string): Promise<void> {
  token = next.trim();
  tokenInput.value = token;
  saveToken(token);
  clearMessage();
  renderTokenStatus();
  browser.close();
  await refresh();
}

async function refresh(): Promise<void> {
  const info = describeToken(token);
  let endpoints: string[];
  try {
    endpoints = (await api.common.getEndpoints({})).endpoints;
  } catch (err) {
    fail(err);
    return;
  }
  renderEndpoints(endpoints);
  if (info?.master === true) {
    minter.show(endpoints);
  } else {
    minter.hide();
  }
  if (endpoints.length === 0) {
    showMessage("This token may not read any endpoint.", "info");
  } else if (endpoints.length === 1) {
    await browser.open(endpoints[0]);
  }
}

function renderEndpoints(endpoints: string[]): void {
  byId("endpoint-empty").hidden = endpoints.length > 0;
  endpointList.replaceChildren(
    ...endpoints.map((name) => {
      const button = el("button", {
        className: "endpoint",
        text: name,
        attrs: { type: "button", "data-testid": `endpoint-${name}`, "data-endpoint": name },
      });
      button.addEventListener("click", () => void browser.open(name));
      return el("li", {}, button);
    }),
  );
  markCurrent();
}

// markCurrent highlights the open endpoint in the list.
function markCurrent(): void {
  for (const b of endpointList.querySelectorAll<HTMLButtonElement>("button")) {
    if (b.dataset.endpoint === browser.current) {
      b.setAttribute("aria-current", "true");
    } else {
      b.removeAttribute("aria-current");
    }
  }
}

function renderTokenStatus(): void {
  const status = byId("token-status");
  const info = describeToken(token);
  let text: string;
  if (token === "") {
    text = "No token";
  } else if (info === undefined) {
    text = "Not a JWT";
  } else {
    const kind = info.master ? "Master token" : `Restricted to ${info.endpoints.join(", ")}`;
    const when = info.expiresAt?.toLocaleString();
    if (when !== undefined) {
      text = kind + (isExpired(info) ? ` · expired ${when}` : ` · expires ${when}`);
    } else {
      text = kind;
    }
  }
  status.textContent = text;
  status.dataset.kind = token === "" ? "none" : info?.master ? "master" : "restricted";
}

byId<HTMLFormElement>("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void useToken(tokenInput.value);
});
byId("token-forget").addEventListener("click", () => void useToken(""));
endpointList.addEventListener("click", () => queueMicrotask(markCurrent));

tokenInput.value = token;
renderTokenStatus();
void refresh();
