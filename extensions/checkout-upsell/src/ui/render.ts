/**
 * The checkout block's renderer: JSX onto the host's (remote) DOM, in the shape of Preact's
 * class components, for one component at the root (decision 025). Preact is ~4.4 KB of the 16 KB
 * gzip budget; this is ~0.5 KB. Props are applied as Preact applies them to custom elements:
 * `on*` as event listeners, a name the element has as a property, anything else as an attribute
 * (false or null removes it).
 */
// Types only (an `import type` cannot be aliased below): nothing of Preact is bundled.
import { createElement } from "preact";

export interface VNode {
  tag: string;
  props: Props | null;
  children: Child[];
}
export type Child = VNode | string | number | boolean | null | undefined | Child[];
type Props = Record<string, unknown>;

export function h(tag: string, props: Props | null, ...children: Child[]): VNode {
  return { tag, props, children };
}
// The JSX element types of Polaris web components are declared on Preact's JSX namespace.
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace h {
  export import JSX = createElement.JSX;
}

/** A class component: state, re-rendering on setState/forceUpdate (batched to a microtask), lifecycle. */
export abstract class Component<P, S> {
  declare state: S;
  /** Set by `mount`: schedules a re-render. */
  declare schedule: () => void;
  constructor(public props: P) {}
  setState(next: Partial<S>) {
    this.state = Object.assign({}, this.state, next);
    this.schedule();
  }
  forceUpdate() {
    this.schedule();
  }
  componentDidMount?(): void;
  componentDidUpdate?(): void;
  componentWillUnmount?(): void;
  /** JSX (typed as Preact's elements, built by `h`) or null. */
  abstract render(): unknown;
}

/** Renders `component` into `root` now, and again after each batch of state changes. */
export function mount(component: Component<unknown, unknown>, root: Element) {
  let queued = false;
  const draw = () => patch(root, flat(component.render() as Child, []));
  component.schedule = () => {
    if (queued) return;
    queued = true;
    void Promise.resolve().then(() => {
      queued = false;
      draw();
      component.componentDidUpdate?.();
    });
  };
  draw();
  component.componentDidMount?.();
}

const flat = (c: Child, out: Array<VNode | string>): Array<VNode | string> => {
  if (Array.isArray(c)) for (const x of c) flat(x, out);
  else if (typeof c === "string" || typeof c === "number") out.push(String(c));
  else if (c && typeof c === "object") out.push(c);
  return out;
};

/** What was applied to an element: its props, and its listeners by event type. */
const applied = new WeakMap<Node, { props: Props; on: Record<string, EventListener> }>();

/** Brings `parent`'s children in line with `next`, reusing nodes of the same kind at the same place. */
function patch(parent: Element, next: Array<VNode | string>) {
  next.forEach((v, i) => {
    let node: Node | null = parent.childNodes[i] ?? null;
    if (typeof v === "string") {
      if (node?.nodeType === 3) {
        if (node.nodeValue !== v) node.nodeValue = v;
        return;
      }
      const text = document.createTextNode(v);
      return node ? parent.replaceChild(text, node) : parent.appendChild(text);
    }
    if (!(node instanceof Element) || node.localName !== v.tag) {
      const el = document.createElement(v.tag);
      if (node) parent.replaceChild(el, node);
      else parent.appendChild(el);
      node = el;
    }
    setProps(node as Element, v.props ?? {});
    patch(node as Element, flat(v.children, []));
  });
  while (parent.childNodes.length > next.length) parent.removeChild(parent.lastChild!);
}

function setProps(el: Element, props: Props) {
  let state = applied.get(el);
  if (!state) applied.set(el, (state = { props: {}, on: {} }));
  const { props: old, on } = state;
  for (const name in old) if (!(name in props)) setProp(el, name, undefined, on);
  for (const name in props) if (props[name] !== old[name]) setProp(el, name, props[name], on);
  state.props = props;
}

function setProp(el: Element, name: string, value: unknown, on: Record<string, EventListener>) {
  if (name[0] === "o" && name[1] === "n") {
    const type = (name.toLowerCase() in el ? name.toLowerCase() : name).slice(2);
    if (on[type]) el.removeEventListener(type, on[type]!);
    if (typeof value === "function") el.addEventListener(type, (on[type] = value as EventListener));
    else delete on[type];
    return;
  }
  if (name in el) {
    try {
      (el as unknown as Props)[name] = value === undefined || value === null ? "" : value;
      return;
    } catch {
      // A read-only property: fall back to the attribute, as Preact does.
    }
  }
  if (value === undefined || value === null || value === false) el.removeAttribute(name);
  else el.setAttribute(name, String(value));
}
