import type { Api } from "./api";
import { byId, el, InputError, readJsonBox } from "./dom";
import type { FieldDefinition, Record as Row } from "./gen/dozer/types/types_pb";
import { formatValue, typeName } from "./values";

/** Query is the part of a query the user typed and applied. */
interface Query {
  filter?: unknown;
  orderBy?: unknown;
}

/**
 * Browser shows one endpoint: its fields, its count under the applied filter
 * and one page of records. Only the newest load may paint, so quick clicks
 * never show an older answer over a newer one.
 */
export class Browser {
  private endpoint = "";
  private applied: Query = {};
  private skip = 0;
  private total = 0n;
  private generation = 0;

  private readonly section = byId("browser");
  private readonly filterBox = byId<HTMLTextAreaElement>("filter-input");
  private readonly orderBox = byId<HTMLTextAreaElement>("order-input");
  private readonly pageSize = byId<HTMLSelectElement>("page-size");
  private readonly count = byId<HTMLOutputElement>("record-count");
  private readonly table = byId<HTMLTableElement>("records");
  private readonly prev = byId<HTMLButtonElement>("page-prev");
  private readonly next = byId<HTMLButtonElement>("page-next");
  private readonly pageInfo = byId("page-info");

  constructor(
    private readonly api: Api,
    private readonly fail: (err: unknown) => void,
    private readonly succeed: () => void,
  ) {
    byId<HTMLFormElement>("query-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.apply();
    });
    this.pageSize.addEventListener("change", () => this.apply());
    this.prev.addEventListener("click", () => this.turn(-1));
    this.next.addEventListener("click", () => this.turn(1));
  }

  /** current is the endpoint shown, or "" when none is. */
  get current(): string {
    return this.endpoint;
  }

  /** open shows an endpoint from its first page, with empty query boxes. */
  async open(name: string): Promise<void> {
    this.endpoint = name;
    this.applied = {};
    this.skip = 0;
    this.filterBox.value = "";
    this.orderBox.value = "";
    byId("endpoint-title").textContent = name;
    this.section.hidden = false;
    byId("placeholder").hidden = true;

    const gen = this.begin();
    try {
      const res = await this.api.common.getFields({ endpoint: name });
      if (gen !== this.generation) {
        return;
      }
      this.renderFields(res.fields, res.primaryIndex);
    } catch (err) {
      this.failed(gen, err);
      return;
    }
    await this.load(gen);
  }

  /** close hides the endpoint, for example when the token changes. */
  close(): void {
    this.endpoint = "";
    this.generation++;
    this.section.hidden = true;
    byId("placeholder").hidden = false;
  }

  /** apply reads the query boxes and shows the first page of the result. */
  apply(): void {
    const filter = readJsonBox(this.filterBox, "The filter");
    const order = readJsonBox(this.orderBox, "The sort");
    if (!filter.ok) {
      this.fail(new InputError(filter.error));
      return;
    }
    if (!order.ok) {
      this.fail(new InputError(order.error));
      return;
    }
    this.applied = { filter: filter.value, orderBy: order.value };
    this.skip = 0;
    void this.load(this.begin());
  }

  private turn(pages: number): void {
    this.skip = Math.max(0, this.skip + pages * this.limit());
    void this.load(this.begin());
  }

  private limit(): number {
    return Number(this.pageSize.value);
  }

  private begin(): number {
    this.section.dataset.state = "loading";
    this.section.setAttribute("aria-busy", "true");
    return ++this.generation;
  }

  private failed(gen: number, err: unknown): void {
    if (gen !== this.generation) {
      return;
    }
    this.section.dataset.state = "error";
    this.section.removeAttribute("aria-busy");
    this.fail(err);
  }

  // load fetches the count and the page together; count takes no $limit,
  // because a limit would cap the count.
  private async load(gen: number): Promise<void> {
    const endpoint = this.endpoint;
    const filter = this.applied.filter === undefined ? {} : { $filter: this.applied.filter };
    const page = {
      ...filter,
      ...(this.applied.orderBy === undefined ? {} : { $order_by: this.applied.orderBy }),
      $limit: this.limit(),
      $skip: this.skip,
    };
    try {
      const [count, rows] = await Promise.all([
        this.api.common.count({ endpoint, query: JSON.stringify(filter) }),
        this.api.common.query({ endpoint, query: JSON.stringify(page) }),
      ]);
      if (gen !== this.generation) {
        return;
      }
      this.total = count.count;
      this.renderCount();
      this.renderRows(rows.fields, rows.records);
      this.renderPager(rows.records.length);
      this.section.dataset.state = "ready";
      this.section.removeAttribute("aria-busy");
      this.succeed();
    } catch (err) {
      this.failed(gen, err);
    }
  }

  private renderFields(fields: FieldDefinition[], primary: number[]): void {
    const list = byId("field-list");
    list.replaceChildren(
      ...fields.map((f, i) => {
        const item = el("li", { attrs: { "data-field": f.name } },
          el("span", { className: "field-name", text: f.name }),
          el("span", { className: "field-type", text: typeName(f.typ) + (f.nullable ? "?" : "") }),
        );
        if (primary.includes(i)) {
          const key = { className: "field-key", text: "key", attrs: { title: "primary key" } };
          item.append(el("span", key));
        }
        return item;
      }),
    );
  }

  private renderCount(): void {
    const n = this.total;
    this.count.dataset.count = n.toString();
    const noun = n === 1n ? "record" : "records";
    const matching = this.applied.filter === undefined ? "" : "matching ";
    this.count.textContent = `${n.toLocaleString()} ${matching}${noun}`;
  }

  private renderRows(fields: FieldDefinition[], records: Row[]): void {
    const head = el("tr", {},
      ...fields.map((f) =>
        el("th", { attrs: { scope: "col", "data-field": f.name } },
          el("span", { text: f.name }),
          el("span", { className: "col-type", text: typeName(f.typ) }),
        ),
      ),
    );
    this.table.tHead!.replaceChildren(head);

    const body = this.table.tBodies[0];
    if (records.length === 0) {
      const empty = el("td", { className: "empty", text: "No records match." });
      empty.colSpan = Math.max(1, fields.length);
      body.replaceChildren(el("tr", {}, empty));
      return;
    }
    body.replaceChildren(
      ...records.map((r) =>
        el("tr", { attrs: { "data-id": r.id.toString() } },
          ...fields.map((_, i) => {
            const cell = formatValue(r.values[i]);
            return el("td", { className: cell.kind, text: cell.text });
          }),
        ),
      ),
    );
  }

  private renderPager(shown: number): void {
    const first = this.skip + 1;
    const last = this.skip + shown;
    this.pageInfo.textContent = shown === 0
      ? `No records on this page of ${this.total.toLocaleString()}`
      : `${first.toLocaleString()}–${last.toLocaleString()} of ${this.total.toLocaleString()}`;
    this.prev.disabled = this.skip === 0;
    this.next.disabled = BigInt(last) >= this.total || shown < this.limit();
  }
}
