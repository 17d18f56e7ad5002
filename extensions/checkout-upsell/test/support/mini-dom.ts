/**
 * A tiny DOM, just enough for Preact to render Polaris web components into `document.body` and
 * for tests to query and click them. The extensions tester wants a DOM environment (jsdom or
 * happy-dom), and neither is installed in this workspace; when one is, replace this file with
 * `// @vitest-environment happy-dom` in the tests.
 */
type Listener = (event: MiniEvent) => void;

export class MiniEvent {
  defaultPrevented = false;
  target: MiniNode | null = null;
  currentTarget: MiniNode | null = null;
  constructor(
    readonly type: string,
    readonly init: { bubbles?: boolean } = {},
  ) {}
  preventDefault() {
    this.defaultPrevented = true;
  }
  stopPropagation() {}
}

export class MiniNode {
  parentNode: MiniElement | null = null;
  childNodes: MiniNode[] = [];
  nodeType = 1;
  localName = "";
  nodeName = "";
  private listeners = new Map<string, Set<Listener>>();
  get firstChild(): MiniNode | null {
    return this.childNodes[0] ?? null;
  }
  get lastChild(): MiniNode | null {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get nextSibling(): MiniNode | null {
    const p = this.parentNode;
    if (!p) return null;
    return p.childNodes[p.childNodes.indexOf(this) + 1] ?? null;
  }
  get ownerDocument() {
    return (globalThis as unknown as { document: MiniDocument }).document;
  }
  appendChild<T extends MiniNode>(child: T): T {
    return this.insertBefore(child, null);
  }
  insertBefore<T extends MiniNode>(child: T, ref: MiniNode | null): T {
    child.parentNode?.removeChild(child);
    const i = ref ? this.childNodes.indexOf(ref) : -1;
    if (i < 0) this.childNodes.push(child);
    else this.childNodes.splice(i, 0, child);
    child.parentNode = this as unknown as MiniElement;
    return child;
  }
  removeChild<T extends MiniNode>(child: T): T {
    const i = this.childNodes.indexOf(child);
    if (i >= 0) this.childNodes.splice(i, 1);
    child.parentNode = null;
    return child;
  }
  remove() {
    this.parentNode?.removeChild(this);
  }
  contains(other: MiniNode | null): boolean {
    for (let n = other; n; n = n.parentNode) if (n === this) return true;
    return false;
  }
  addEventListener(type: string, fn: Listener) {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(fn);
  }
  removeEventListener(type: string, fn: Listener) {
    this.listeners.get(type)?.delete(fn);
  }
  dispatchEvent(event: MiniEvent): boolean {
    event.target ??= this;
    event.currentTarget = this;
    for (const fn of [...(this.listeners.get(event.type) ?? [])]) fn.call(this, event);
    if (event.init.bubbles && this.parentNode) this.parentNode.dispatchEvent(event);
    return !event.defaultPrevented;
  }
  get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join("");
  }
  set textContent(v: string) {
    for (const c of [...this.childNodes]) this.removeChild(c);
    if (v) this.appendChild(new MiniText(v));
  }
}

export class MiniText extends MiniNode {
  constructor(public data: string) {
    super();
    this.nodeType = 3;
    this.nodeName = "#text";
  }
  get nodeValue() {
    return this.data;
  }
  set nodeValue(v: string) {
    this.data = v;
  }
  override get textContent() {
    return this.data;
  }
  override set textContent(v: string) {
    this.data = v;
  }
}

export class MiniElement extends MiniNode {
  attributes = new Map<string, string>();
  /** Present like on a real element, so Preact maps `onClick` to the "click" event. */
  onclick: unknown = null;
  style: Record<string, string> & { setProperty(k: string, v: string): void } = Object.assign(Object.create(null), {
    setProperty(this: Record<string, string>, k: string, v: string) {
      this[k] = v;
    },
  });
  constructor(tag: string) {
    super();
    this.localName = tag.toLowerCase();
    this.nodeName = tag.toUpperCase();
  }
  get tagName() {
    return this.nodeName;
  }
  setAttribute(name: string, value: unknown) {
    this.attributes.set(name.toLowerCase(), String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name.toLowerCase()) ?? null;
  }
  hasAttribute(name: string) {
    return this.attributes.has(name.toLowerCase());
  }
  removeAttribute(name: string) {
    this.attributes.delete(name.toLowerCase());
  }
  set innerHTML(v: string) {
    if (v !== "") throw new Error("mini-dom: only innerHTML = '' is supported");
    this.textContent = "";
  }
  get children(): MiniElement[] {
    return this.childNodes.filter((c): c is MiniElement => c instanceof MiniElement);
  }
  querySelectorAll(selector: string): MiniElement[] {
    const match = compile(selector);
    const out: MiniElement[] = [];
    const walk = (n: MiniNode) => {
      for (const c of n.childNodes) {
        if (c instanceof MiniElement) {
          if (match(c)) out.push(c);
          walk(c);
        }
      }
    };
    walk(this);
    return out;
  }
  querySelector(selector: string): MiniElement | null {
    return this.querySelectorAll(selector)[0] ?? null;
  }
  click() {
    this.dispatchEvent(new MiniEvent("click", { bubbles: true }));
  }
}

/** Selectors: `tag`, `[attr]`, `[attr="value"]`, `tag[attr="value"]`, comma lists. */
function compile(selector: string): (e: MiniElement) => boolean {
  const parts = selector.split(",").map((s) => s.trim());
  const tests = parts.map((p) => {
    const m = /^([a-z0-9-]*)((?:\[[^\]]+\])*)$/i.exec(p);
    if (!m) throw new Error(`mini-dom: unsupported selector ${p}`);
    const tag = m[1]!.toLowerCase();
    const attrs = [...m[2]!.matchAll(/\[([^\]=]+)(?:="?([^"\]]*)"?)?\]/g)].map(
      (a) => [a[1]!.toLowerCase(), a[2]] as const,
    );
    return (e: MiniElement) =>
      (!tag || e.localName === tag) &&
      attrs.every(([k, v]) => (v === undefined ? e.hasAttribute(k) : e.getAttribute(k) === v));
  });
  return (e) => tests.some((t) => t(e));
}

export class MiniDocument extends MiniNode {
  body = new MiniElement("body");
  constructor() {
    super();
    this.nodeType = 9;
  }
  createElement(tag: string) {
    return new MiniElement(tag);
  }
  createElementNS(_ns: string, tag: string) {
    return new MiniElement(tag);
  }
  createTextNode(data: string) {
    return new MiniText(String(data));
  }
  querySelector(s: string) {
    return this.body.querySelector(s);
  }
  querySelectorAll(s: string) {
    return this.body.querySelectorAll(s);
  }
}

/** Installs `document`, `Event` and friends on globalThis (once per test file). */
export function installMiniDom(): MiniDocument {
  const g = globalThis as Record<string, unknown>;
  if (g.document instanceof MiniDocument) return g.document;
  const doc = new MiniDocument();
  g.document = doc;
  g.Event ??= MiniEvent;
  g.Node ??= MiniNode;
  g.Element ??= MiniElement;
  g.Text ??= MiniText;
  // Preact runs effects after the next frame; a frame here is the next macrotask.
  g.requestAnimationFrame ??= (cb: (t: number) => void) => setTimeout(() => cb(Date.now()), 0);
  g.cancelAnimationFrame ??= (id: ReturnType<typeof setTimeout>) => clearTimeout(id);
  return doc;
}
