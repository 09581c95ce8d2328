// End-to-end test of the explorer in headless Chromium against a running,
// secured gantry. The expected answers come from gantry's REST API, called
// from Node with the same master token.
//
//   GANTRY_URL=http://127.0.0.1:8080 MASTER_TOKEN=ey... SCREENSHOT=out.png \
//     node web/e2e/explorer.mjs
//
// SCREENSHOT (a PNG path) and EXPIRED_TOKEN (a token past its expiry, signed
// by the server's key) are optional.
//
// It exits 0 when every step passes, else 1 with the failed step's message.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

const totalTimeoutMs = 150_000;
const stepTimeoutMs = 15_000;
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

// Without the networking flags Chromium keeps dialling Google's hosts, which
// this closed network refuses.
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const cashFilter = { payment_type: "Cash" };
const tripFields = [
  "trip_id", "pickup_at", "dropoff_at", "pickup_location_id", "dropoff_location_id",
  "passenger_count", "trip_distance", "fare_amount", "tip_amount", "payment_type",
];

function env(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`set ${name}`);
  }
  return v;
}

function check(ok, message) {
  if (!ok) {
    throw new Error(message);
  }
}

// rest calls gantry's REST API; the explorer is checked against its answers.
async function rest(base, path, token, body) {
  let res, text;
  try {
    res = await fetch(base + path, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(stepTimeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
    throw new Error(`REST ${base}${path}: ${err.message}${cause}`);
  }
  check(res.ok, `REST ${path}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text);
}

// state waits for the browser section to settle after an action and returns
// what it shows.
async function settled(page) {
  await page.waitForSelector("#browser[data-state=ready], #browser[data-state=error]");
  return page.evaluate(() => {
    const q = (sel) => Array.from(document.querySelectorAll(sel));
    return {
      state: document.querySelector("#browser").dataset.state,
      count: document.querySelector("#record-count").dataset.count,
      columns: q("#records thead th").map((th) => th.dataset.field),
      rows: q("#records tbody tr[data-id]").map((tr) =>
        Array.from(tr.querySelectorAll("td"), (td) => td.textContent)),
      pageInfo: document.querySelector("#page-info").textContent,
      message: document.querySelector("#message").hidden ? "" :
        document.querySelector("#message").textContent,
    };
  });
}

// act runs an action that reloads the table and waits for the new answer.
async function act(page, action) {
  await page.evaluate(() => { document.querySelector("#browser").dataset.state = "stale"; });
  await action();
  return settled(page);
}

async function messageText(page, pattern) {
  const box = page.getByTestId("message");
  await box.waitFor({ state: "visible" });
  await page.waitForFunction(
    ([source, flags]) =>
      new RegExp(source, flags).test(document.querySelector("#message").textContent),
    [pattern.source, pattern.flags],
  );
  return box.textContent();
}

function column(view, field) {
  const i = view.columns.indexOf(field);
  check(i >= 0, `no column ${field} in ${view.columns}`);
  return view.rows.map((r) => r[i]);
}

async function run(steps) {
  const base = env("GANTRY_URL").replace(/\/$/, "");
  const master = env("MASTER_TOKEN").trim();
  const screenshot = process.env.SCREENSHOT ?? "";
  const expired = process.env.EXPIRED_TOKEN ?? "";

  const total = await rest(base, "/trips/count", master, {});
  const cash = await rest(base, "/trips/count", master, { $filter: cashFilter });
  check(cash > 0 && cash < total,
    `sample data: ${cash} cash trips of ${total}; need some, not all`);

  const profile = await mkdtemp(join(tmpdir(), "gantry-explorer-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1440, height: 900 },
    timeout: stepTimeoutMs,
  });
  const problems = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(stepTimeoutMs);
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (msg) => {
      if (/Content.Security.Policy/i.test(msg.text())) {
        problems.push(`CSP violation: ${msg.text()}`);
      }
    });

    await steps.run("no token: the page asks for one", async () => {
      await page.goto(base + "/ui/");
      const text = await messageText(page, /token/i);
      check(/needs an access token/.test(text), `message: ${text}`);
      check(await page.getByTestId("endpoint-list").locator("li").count() === 0,
        "endpoints are listed without a token");
      return text;
    });

    await steps.run("a malformed token is refused", async () => {
      await page.getByLabel("Access token").fill("not-a-token");
      await page.getByTestId("token-use").click();
      const text = await messageText(page, /did not accept/);
      check(/did not accept this token/.test(text), `message: ${text}`);
      return text;
    });

    if (expired !== "") {
      await steps.run("an expired token is explained", async () => {
        await page.getByLabel("Access token").fill(expired);
        await page.getByTestId("token-use").click();
        const text = await messageText(page, /This token expired/);
        check(/This token expired/.test(text), `message: ${text}`);
        check(/expired/.test(await page.getByTestId("token-status").textContent()),
          "status does not say expired");
        return text;
      });
    }

    await steps.run("master token lists every endpoint", async () => {
      await page.getByLabel("Access token").fill(master);
      await page.getByTestId("token-use").click();
      await page.getByTestId("endpoint-trips_cache").waitFor();
      const names = await page.getByTestId("endpoint-list").locator("button").allTextContents();
      check(["pickup", "stocks_meta", "trips_cache"].every((n) => names.includes(n)),
        `endpoints: ${names}`);
      check(/Master token/.test(await page.getByTestId("token-status").textContent()),
        "status does not say master");
      await page.getByTestId("mint-panel").waitFor({ state: "visible" });
      const stored = await page.evaluate(() => Object.values(sessionStorage));
      check(stored.includes(master), "the token is not in sessionStorage");
      check(await page.evaluate(() => localStorage.length) === 0, "localStorage was written");
    });

    await steps.run("trips_cache shows its fields, count and first page", async () => {
      const view = await act(page, () => page.getByTestId("endpoint-trips_cache").click());
      check(view.state === "ready", `state ${view.state}: ${view.message}`);
      check(view.count === String(total), `count ${view.count}, REST says ${total}`);
      check(view.columns.join() === tripFields.join(), `columns ${view.columns}`);
      check(view.rows.length === 20, `${view.rows.length} rows on the first page`);
      const fields = await page.getByTestId("field-list").locator("li").count();
      check(fields === tripFields.length, `${fields} fields listed`);
    });

    await steps.run("next and previous pages", async () => {
      const first = await settled(page);
      let view = await act(page, () => page.getByTestId("page-next").click());
      check(view.pageInfo.startsWith("21–40"), `page info ${view.pageInfo}`);
      check(column(view, "trip_id")[0] !== column(first, "trip_id")[0], "next shows the same rows");
      view = await act(page, () => page.getByTestId("page-prev").click());
      check(view.pageInfo.startsWith("1–20"), `page info ${view.pageInfo}`);
    });

    await steps.run("a filter changes the count to the REST count", async () => {
      await page.getByRole("textbox", { name: /^Filter/ }).fill(JSON.stringify(cashFilter));
      const view = await act(page, () => page.getByTestId("query-apply").click());
      check(view.count === String(cash), `count ${view.count}, REST says ${cash}`);
      const kinds = new Set(column(view, "payment_type"));
      check(kinds.size === 1 && kinds.has("Cash"), `payment types ${[...kinds]}`);
    });

    await steps.run("a sort orders the rows", async () => {
      await page.getByRole("textbox", { name: /^Sort/ }).fill('{"fare_amount": "desc"}');
      const view = await act(page, () => page.getByTestId("query-apply").click());
      const fares = column(view, "fare_amount").map(Number);
      check(fares.every((f, i) => i === 0 || fares[i - 1] >= f), `fares not descending: ${fares}`);
      check(view.count === String(cash), `count ${view.count} changed by sorting`);
    });

    await steps.run("a bad query shows the server's message", async () => {
      await page.getByRole("textbox", { name: /^Filter/ }).fill('{"fare_amount": {"$near": 1}}');
      await page.getByTestId("query-apply").click();
      const text = await messageText(page, /\$near/);
      check(/rejected the request/.test(text), `message: ${text}`);
      const note = text;
      await page.getByRole("textbox", { name: /^Filter/ }).fill('{"fare_amount": ');
      await page.getByTestId("query-apply").click();
      await messageText(page, /not valid JSON/);
      await page.getByRole("textbox", { name: /^Filter/ }).fill(JSON.stringify(cashFilter));
      const view = await act(page, () => page.getByTestId("query-apply").click());
      check(view.message === "", `message left after a good query: ${view.message}`);
      return note;
    });

    let minted = "";
    await steps.run("mint a restricted token with a lifetime", async () => {
      await page.getByLabel("Endpoint", { exact: true }).selectOption("trips_cache");
      await page.getByTestId("mint-field-payment_type").waitFor();
      await page.getByLabel("Row filter").fill(JSON.stringify(cashFilter));
      for (const f of tripFields) {
        const keep = f === "trip_id" || f === "fare_amount";
        await page.getByTestId(`mint-field-${f}`).setChecked(keep);
      }
      await page.getByLabel("Lifetime").fill("15m");
      await page.getByTestId("mint-submit").click();
      await page.getByTestId("minted").waitFor({ state: "visible" });
      minted = await page.getByTestId("minted-token").inputValue();
      check(minted.split(".").length === 3, `minted ${minted}`);
      const expires = Number(await page.getByTestId("minted-summary").getAttribute("data-expires"));
      const left = expires - Date.now() / 1000;
      check(left > 13 * 60 && left <= 15 * 60 + 5, `expires in ${left}s, asked for 15m`);
    });

    await steps.run("mint again through getAuthToken", async () => {
      const before = minted;
      await page.getByLabel("Lifetime").fill("");
      await page.getByTestId("mint-submit").click();
      await page.waitForFunction(
        (old) => document.querySelector("#minted-token").value !== old, before);
      minted = await page.getByTestId("minted-token").inputValue();
      const n = await rest(base, "/trips/count", minted, {});
      check(n === cash, `REST count with the minted token ${n}, want ${cash}`);
    });

    if (screenshot !== "") {
      await steps.run("screenshot", async () => {
        await page.getByTestId("page-size").selectOption("10");
        await settled(page);
        await page.getByTestId("minted-token").evaluate((e) => e.blur());
        await page.screenshot({ path: screenshot, fullPage: true });
      });
    }

    await steps.run("the minted token sees two columns of cash trips", async () => {
      const size = Number(await page.getByTestId("page-size").inputValue());
      const want = (await rest(base, "/trips/query", master, { $filter: cashFilter, $limit: size }))
        .map((r) => String(r.trip_id));
      const view = await act(page, () => page.getByTestId("minted-use").click());
      check(view.state === "ready", `state ${view.state}: ${view.message}`);
      check(view.columns.join() === "trip_id,fare_amount", `columns ${view.columns}`);
      check(view.rows.every((r) => r.length === 2), "a row has other than 2 cells");
      check(view.count === String(cash), `count ${view.count}, want ${cash}`);
      const got = column(view, "trip_id");
      check(got.join() === want.join(), `trip ids ${got}, REST cash trips ${want}`);
      const names = await page.getByTestId("endpoint-list").locator("button").allTextContents();
      check(names.join() === "trips_cache", `endpoints ${names}`);
      check(/Restricted to trips_cache/.test(await page.getByTestId("token-status").textContent()),
        "status does not say restricted");
      check(await page.getByTestId("mint-panel").isHidden(),
        "mint panel shown to a restricted token");
    });

    await steps.run("the restricted token cannot filter on a hidden field", async () => {
      await page.getByRole("textbox", { name: /^Filter/ }).fill('{"tip_amount": {"$gt": 1}}');
      await page.getByTestId("query-apply").click();
      const text = await messageText(page, /tip_amount/);
      check(/rejected|not allowed/.test(text), `message: ${text}`);
      return text;
    });

    check(problems.length === 0, problems.join("\n"));
  } finally {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  }
}

class Steps {
  done = 0;

  async run(name, fn) {
    const started = Date.now();
    let note;
    try {
      note = await fn();
    } catch (err) {
      throw new Error(`step "${name}" failed: ${err instanceof Error ? err.message : err}`);
    }
    this.done++;
    const said = typeof note === "string" ? `: ${note}` : "";
    console.log(`ok   ${name} (${Date.now() - started} ms)${said}`);
  }
}

const watchdog = setTimeout(() => {
  console.error(`FAIL explorer e2e: not done within ${totalTimeoutMs / 1000}s`);
  process.exit(1);
}, totalTimeoutMs);

const steps = new Steps();
try {
  await run(steps);
  console.log(`PASS explorer e2e: ${steps.done} steps`);
} catch (err) {
  console.error(`FAIL explorer e2e: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
