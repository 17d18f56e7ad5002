/**
 * The post-purchase extension's logic, free of React so it is tested directly: the backend client,
 * the ShouldRender decision, and the step machine (accept -> sign -> applyChangeset -> next offer;
 * decline -> downsell or done). Nothing here may ever keep the buyer from the thank-you page: every
 * failure ends in `done()` or `render: false`.
 */

import type { AddVariantChange, PostPurchaseOfferView, SignBody, WireEvent } from "@moments/contracts";
import { formatMoney, intlLocale } from "@moments/surfaces/i18n";

/** The offer as the app backend sends it. */
export type OfferView = PostPurchaseOfferView;
export type { AddVariantChange, SignBody };

/** The contract's event (@moments/contracts WireEvent), as this surface sends it. */
export interface PostPurchaseEvent extends WireEvent {
  type: "impression";
  moment: "post_purchase";
  surface: "post_purchase";
  offerId: string;
  arm: "variant" | "none";
  currency: string;
}

export interface Backend {
  offer(body?: { declineOfferId?: string }): Promise<{ offer: OfferView | null; reason?: string }>;
  sign(body: SignBody): Promise<{ token: string }>;
  events(events: PostPurchaseEvent[]): Promise<void>;
}

type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** The app backend, authenticated with the input token Shopify gave the extension. */
export function createBackend(
  appUrl: string,
  inputToken: string,
  fetchFn: FetchLike = fetch as unknown as FetchLike,
  timeoutMs = 4000,
): Backend {
  const call = async (path: string, body: unknown): Promise<unknown> => {
    const controller = typeof AbortController === "function" ? new AbortController() : undefined;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
    try {
      const res = await fetchFn(`${appUrl.replace(/\/$/, "")}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${inputToken}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller?.signal,
      });
      if (!res.ok) throw new BackendError(res.status, path);
      return await res.json();
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  };
  return {
    offer: async (body = {}) => {
      const json = (await call("/api/post-purchase/offer", body)) as { offer?: OfferView | null; reason?: string };
      return { offer: isOffer(json.offer) ? json.offer : null, reason: json.reason };
    },
    sign: async (body) => {
      const json = (await call("/api/post-purchase/sign", body)) as { token?: unknown };
      if (typeof json.token !== "string") throw new BackendError(502, "/api/post-purchase/sign");
      return { token: json.token };
    },
    events: async (events) => {
      await call("/api/events", { events });
    },
  };
}

export class BackendError extends Error {
  constructor(
    readonly status: number,
    path: string,
  ) {
    super(`${path} answered ${status}`);
  }
}

function isOffer(x: unknown): x is OfferView {
  const o = x as OfferView | null | undefined;
  return (
    !!o &&
    typeof o.offerId === "string" &&
    typeof o.referenceId === "string" &&
    Array.isArray(o.quantities) &&
    o.quantities.length > 0
  );
}

/** What ShouldRender stores for Render (storage is the only hand-off between the two). */
export interface Stored {
  offer: OfferView;
}

export function readStored(initialData: unknown): Stored | null {
  const s = initialData as Stored | null | undefined;
  return s && isOffer(s.offer) ? { offer: s.offer } : null;
}

/**
 * ShouldRender: render only when the backend has an eligible offer for this purchase. No offer, an
 * error, a timeout: `render: false`, and the buyer goes straight on to the thank-you page.
 */
export async function shouldRender(
  api: { storage: { update(data: unknown): Promise<void> } },
  backend: Backend,
): Promise<{ render: boolean }> {
  try {
    const { offer } = await backend.offer({});
    if (!offer) return { render: false };
    await api.storage.update({ offer } satisfies Stored);
    return { render: true };
  } catch {
    return { render: false };
  }
}

// ---------------------------------------------------------------------------------------------
// The step machine.

export interface ChangesetHost {
  applyChangeset(
    token: string,
  ): Promise<{
    status: "processed" | "partially_processed" | "unprocessed";
    errors: Array<{ code: string; message: string }>;
    changesetApplicationsRemaining?: number;
  }>;
  calculateChangeset(changeset: { changes: AddVariantChange[] }): Promise<CalculateResult>;
  done(): Promise<void>;
}

interface MoneyBag {
  presentmentMoney: { amount: string; currencyCode: string };
}
export type CalculateResult =
  | {
      status: "processed";
      errors: unknown[];
      calculatedPurchase: {
        addedShippingLines: Array<{ priceSet: MoneyBag }>;
        addedTaxLines: Array<{ priceSet: MoneyBag }>;
        totalOutstandingSet: MoneyBag;
      };
    }
  | { status: "unprocessed"; errors: Array<{ code: string; message: string }>; calculatedPurchase?: undefined };

/** Shipping, tax and the amount charged now, as Shopify calculates them (decimal strings). */
export interface Preview {
  shipping: string;
  tax: string;
  charged: string;
}

export type FlowState =
  | {
      kind: "offer";
      offer: OfferView;
      multiple: number;
      busy: "accept" | "decline" | null;
      preview?: Preview;
      error?: string;
    }
  | { kind: "done"; accepted: number; reason: string };

export interface Flow {
  readonly state: FlowState;
  subscribe(listener: (s: FlowState) => void): () => void;
  selectMultiple(multiple: number): void;
  /** calculateChangeset for the current offer and quantity. */
  refreshPreview(): Promise<void>;
  /** Records the impression of the current offer (once per offer). */
  shown(): Promise<void>;
  accept(): Promise<void>;
  decline(): Promise<void>;
}

export function createFlow(
  offer: OfferView,
  backend: Backend,
  host: ChangesetHost,
  now: () => number = Date.now,
): Flow {
  let state: FlowState = { kind: "offer", offer, multiple: 1, busy: null };
  let accepted = 0;
  const listeners = new Set<(s: FlowState) => void>();
  const impressions = new Set<string>();
  const set = (next: FlowState) => {
    state = next;
    for (const l of listeners) l(state);
  };
  const finish = async (reason: string) => {
    set({ kind: "done", accepted, reason });
    await host.done();
  };
  const show = async (next: OfferView | null, reason: string) => {
    if (next) set({ kind: "offer", offer: next, multiple: 1, busy: null });
    else await finish(reason);
  };

  return {
    get state() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    selectMultiple(multiple) {
      if (state.kind !== "offer" || state.busy) return;
      if (!state.offer.quantities.some((q) => q.multiple === multiple)) return;
      set({ ...state, multiple, preview: undefined });
    },
    async refreshPreview() {
      if (state.kind !== "offer") return;
      const { offer, multiple } = state;
      const option = offer.quantities.find((q) => q.multiple === multiple)!;
      try {
        const result = await host.calculateChangeset({ changes: option.changes });
        if (state.kind !== "offer" || state.offer !== offer || state.multiple !== multiple) return;
        if (result.status === "processed") set({ ...state, preview: previewOf(result) });
      } catch {
        // No preview: the price shown is still the server's; Shopify shows the final total anyway.
      }
    },
    async shown() {
      if (state.kind !== "offer") return;
      const o = state.offer;
      const key = `${o.referenceId}:${o.offerId}`;
      if (impressions.has(key)) return;
      impressions.add(key);
      const event: PostPurchaseEvent = {
        id: `pp-${fnv(`impression:${key}`)}${fnv(key + ":2")}`,
        type: "impression",
        moment: "post_purchase",
        surface: "post_purchase",
        journeyKey: o.journeyKey,
        offerId: o.offerId,
        arm: o.armId ? "variant" : "none",
        currency: o.currency,
        occurredAt: now(),
      };
      if (o.experimentId) event.experimentId = o.experimentId;
      if (o.armId) event.armId = o.armId;
      try {
        await backend.events([event]);
      } catch {
        // Measurement never blocks the buyer.
      }
    },
    async accept() {
      if (state.kind !== "offer" || state.busy) return;
      const { offer, multiple } = state;
      const option = offer.quantities.find((q) => q.multiple === multiple)!;
      set({ ...state, busy: "accept", error: undefined });
      let token: string;
      try {
        ({ token } = await backend.sign({
          referenceId: offer.referenceId,
          offerId: offer.offerId,
          multiple,
          expected: { final: option.final, currency: offer.currency },
        }));
      } catch {
        return finish("offer could not be signed");
      }
      let remaining: number | undefined;
      try {
        const result = await host.applyChangeset(token);
        if (result.status === "unprocessed")
          return finish(`changeset not applied: ${result.errors[0]?.code ?? "unknown"}`);
        accepted++;
        remaining = result.changesetApplicationsRemaining;
      } catch {
        return finish("changeset not applied");
      }
      if (remaining === 0) return finish("no changeset applications left");
      try {
        const next = await backend.offer({});
        await show(next.offer, next.reason ?? "no next offer");
      } catch {
        await finish("next offer unavailable");
      }
    },
    async decline() {
      if (state.kind !== "offer" || state.busy) return;
      const { offer } = state;
      set({ ...state, busy: "decline", error: undefined });
      try {
        const next = await backend.offer({ declineOfferId: offer.offerId });
        await show(next.offer && next.offer.offerId !== offer.offerId ? next.offer : null, next.reason ?? "declined");
      } catch {
        await finish("declined");
      }
    },
  };
}

function previewOf(result: Extract<CalculateResult, { status: "processed" }>): Preview {
  const p = result.calculatedPurchase;
  return {
    shipping: sumDecimals(p.addedShippingLines.map((l) => l.priceSet.presentmentMoney.amount)),
    tax: sumDecimals(p.addedTaxLines.map((l) => l.priceSet.presentmentMoney.amount)),
    charged: p.totalOutstandingSet.presentmentMoney.amount,
  };
}

/** Adds decimal strings exactly (no binary floats): "1.10" + "2.205" -> "3.305". */
export function sumDecimals(values: readonly string[]): string {
  const scale = Math.max(0, ...values.map((v) => (v.split(".")[1] ?? "").length));
  let total = 0;
  for (const v of values) {
    const [whole = "0", frac = ""] = v.replace(/^-/, "").split(".");
    const units = Number(whole) * 10 ** scale + Number((frac + "0".repeat(scale)).slice(0, scale) || "0");
    total += v.startsWith("-") ? -units : units;
  }
  if (scale === 0) return String(total);
  const abs = String(Math.abs(total)).padStart(scale + 1, "0");
  return `${total < 0 ? "-" : ""}${abs.slice(0, -scale)}.${abs.slice(-scale)}`;
}

/**
 * Minor units -> "€31.20" in the buyer's locale, without float arithmetic on the amount, scaled by
 * the currency's ISO 4217 exponent like every amount of the app (@moments/surfaces/i18n).
 */
export function formatMinor(
  minor: number,
  currency: string,
  locale: string,
  currencyDisplay?: OfferView["currencyDisplay"],
): string {
  return formatMoney(minor, currency, locale, currencyDisplay);
}

/** Shopify's decimal amounts (calculateChangeset) in the buyer's locale. */
export function formatDecimal(
  decimal: string,
  currency: string,
  locale: string,
  currencyDisplay?: OfferView["currencyDisplay"],
): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: "currency", currency, currencyDisplay }).format(
    decimal as unknown as number,
  );
}

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
