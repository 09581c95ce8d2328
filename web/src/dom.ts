// Small DOM helpers. Every text from the server goes in through textContent,
// never as HTML.

/** byId returns the element with id, or throws if the page lacks it. */
export function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) {
    throw new Error(`the page has no #${id}`);
  }
  return e as T;
}

interface Props {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** el creates an element with a class, text and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className !== undefined) {
    e.className = props.className;
  }
  if (props.text !== undefined) {
    e.textContent = props.text;
  }
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

/** showMessage shows one message for the whole page, replacing any other. */
export function showMessage(text: string, kind: "error" | "info" = "error"): void {
  const box = byId("message");
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
}

/** clearMessage hides the page's message. */
export function clearMessage(): void {
  const box = byId("message");
  box.textContent = "";
  delete box.dataset.kind;
  box.hidden = true;
}

/** InputError is a mistake in what the user typed, caught before any call. */
export class InputError extends Error {}

/** JsonBox is what a JSON text box holds: nothing, a value, or an error. */
export type JsonBox = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * readJsonBox parses a text box holding optional JSON and marks it invalid
 * for assistive technology when it does not parse. Blank gives undefined.
 */
export function readJsonBox(box: HTMLTextAreaElement, what: string): JsonBox {
  const text = box.value.trim();
  box.removeAttribute("aria-invalid");
  if (text === "") {
    return { ok: true, value: undefined };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    box.setAttribute("aria-invalid", "true");
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `${what} is not valid JSON: ${why}` };
  }
}
