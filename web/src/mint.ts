import type { Api } from "./api";
import { byId, el, InputError, readJsonBox } from "./dom";
import { describeToken } from "./token";
import { typeName } from "./values";

/** Grant is one endpoint's part of Dozer's Custom access JSON. */
interface Grant {
  filter?: unknown;
  fields: string[];
}

/**
 * Minter is the "Mint restricted token" panel, shown for master tokens. It
 * asks the server to sign a Custom token for one endpoint, a row filter and
 * a set of fields.
 */
export class Minter {
  private generation = 0;

  private readonly panel = byId("mint");
  private readonly endpoint = byId<HTMLSelectElement>("mint-endpoint");
  private readonly filterBox = byId<HTMLTextAreaElement>("mint-filter");
  private readonly boxes = byId("mint-field-boxes");
  private readonly ttl = byId<HTMLInputElement>("mint-ttl");
  private readonly minted = byId("minted");
  private readonly output = byId<HTMLTextAreaElement>("minted-token");

  constructor(
    private readonly api: Api,
    private readonly fail: (err: unknown) => void,
    private readonly succeed: () => void,
    use: (token: string) => void,
  ) {
    this.endpoint.addEventListener("change", () => void this.loadFields());
    byId<HTMLFormElement>("mint-form").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.mint();
    });
    byId("minted-use").addEventListener("click", () => use(this.output.value));
  }

  /** show offers the given endpoints; an empty list hides the panel. */
  show(endpoints: string[]): void {
    this.minted.hidden = true;
    this.output.value = "";
    if (endpoints.length === 0) {
      this.hide();
      return;
    }
    const keep = this.endpoint.value;
    this.endpoint.replaceChildren(...endpoints.map((name) => el("option", { text: name })));
    if (endpoints.includes(keep)) {
      this.endpoint.value = keep;
    }
    this.panel.hidden = false;
    void this.loadFields();
  }

  /** hide hides the panel and forgets any minted token. */
  hide(): void {
    this.generation++;
    this.panel.hidden = true;
    this.minted.hidden = true;
    this.output.value = "";
  }

  private async loadFields(): Promise<void> {
    const gen = ++this.generation;
    const name = this.endpoint.value;
    this.boxes.replaceChildren();
    try {
      const res = await this.api.common.getFields({ endpoint: name });
      if (gen !== this.generation) {
        return;
      }
      this.boxes.replaceChildren(
        ...res.fields.map((f) => {
          const id = `mint-field-${f.name}`;
          const box = el("input", {
            attrs: { type: "checkbox", id, value: f.name, "data-testid": id },
          });
          box.checked = true;
          return el("div", { className: "checkbox" },
            box,
            el("label", { attrs: { for: id } },
              el("span", { text: f.name }),
              el("span", { className: "field-type", text: typeName(f.typ) }),
            ),
          );
        }),
      );
    } catch (err) {
      if (gen === this.generation) {
        this.fail(err);
      }
    }
  }

  // mint builds the access JSON and asks the server to sign it. The Dozer
  // call has no lifetime, so a lifetime goes to gantry's own CreateToken.
  private async mint(): Promise<void> {
    let access: string;
    try {
      access = this.access();
    } catch (err) {
      this.fail(err);
      return;
    }
    const ttl = this.ttl.value.trim();
    try {
      const token = ttl === ""
        ? (await this.api.auth.getAuthToken({ accessFilter: access })).token
        : (await this.api.rest.createToken({ body: new TextEncoder().encode(access), ttl })).token;
      this.showMinted(token, access);
      this.succeed();
    } catch (err) {
      this.fail(err);
    }
  }

  private access(): string {
    const filter = readJsonBox(this.filterBox, "The row filter");
    if (!filter.ok) {
      throw new InputError(filter.error);
    }
    if (filter.value !== undefined &&
      (typeof filter.value !== "object" || filter.value === null || Array.isArray(filter.value))) {
      throw new InputError(
        'The row filter must be a JSON object, such as {"payment_type": "Cash"}.');
    }
    const fields = Array.from(
      this.boxes.querySelectorAll<HTMLInputElement>("input[type=checkbox]:checked"),
      (box) => box.value,
    );
    if (fields.length === 0) {
      throw new InputError("Pick at least one field for the token to read.");
    }
    const grant: Grant = { fields };
    if (filter.value !== undefined) {
      grant.filter = filter.value;
    }
    return JSON.stringify({ Custom: { [this.endpoint.value]: grant } });
  }

  // showMinted shows the token with what it grants, as the server signed it
  // for the request in access.
  private showMinted(token: string, access: string): void {
    this.output.value = token;
    this.minted.hidden = false;
    const expires = describeToken(token)?.expiresAt;
    const sent = JSON.parse(access) as { Custom: Record<string, Grant> };
    const [endpoint, grant] = Object.entries(sent.Custom)[0];
    const rows = grant.filter === undefined
      ? "every row"
      : `rows where ${JSON.stringify(grant.filter)}`;
    const until = expires === undefined ? "never expires" : `expires ${expires.toLocaleString()}`;
    const summary = byId("minted-summary");
    summary.dataset.expires = expires === undefined ? "" : String(expires.getTime() / 1000);
    summary.textContent = `Reads ${grant.fields.join(", ")} of ${endpoint}, ${rows}; ${until}.`;
  }
}
