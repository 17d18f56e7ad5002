/**
 * The part of the `shopify` global the offer blocks use, typed once for every target (checkout,
 * thank-you, order status). Each target's full API is wider; keeping to this subset lets one
 * component serve all of them and lets the demo journey page feed it plain data.
 */
export interface SignalLike<T> {
  readonly value: T;
  subscribe?(fn: (value: T) => void): () => void;
}
export interface HostMoney {
  amount: number;
  currencyCode: string;
}
export interface HostAttribute {
  key: string;
  value?: string | null;
}
export interface HostLine {
  id: string;
  quantity: number;
  merchandise: {
    id: string;
    product?: { id: string; vendor?: string; productType?: string };
    sellingPlan?: { id: string } | null;
  };
  cost: { totalAmount: HostMoney };
  attributes?: HostAttribute[];
}
export interface HostMetafieldEntry {
  target: { type: string; id?: string };
  metafield: { namespace: string; key: string; value: string | number | boolean; type?: string; valueType?: string };
}
export type CartLineChange =
  | {
      type: "addCartLine";
      merchandiseId: string;
      quantity: number;
      attributes?: Array<{ key: string; value: string }>;
      sellingPlanId?: string;
    }
  | {
      type: "updateCartLine";
      id: string;
      merchandiseId?: string;
      quantity?: number;
      attributes?: Array<{ key: string; value: string }>;
      sellingPlanId?: string | null;
    }
  | { type: "removeCartLine"; id: string; quantity: number };
export type CartLineChangeResult = { type: "success" } | { type: "error"; message: string };

export interface Host {
  extension?: { target: string };
  lines: SignalLike<HostLine[]>;
  cost?: { subtotalAmount?: SignalLike<HostMoney | undefined> };
  localization?: {
    country?: SignalLike<{ isoCode: string } | undefined>;
    market?: SignalLike<{ id: string } | undefined>;
    language?: SignalLike<{ isoCode: string } | undefined>;
    currency?: SignalLike<{ isoCode: string } | undefined>;
  };
  buyerIdentity?: { customer?: SignalLike<{ id?: string; ordersCount?: number } | undefined> };
  appMetafields: SignalLike<HostMetafieldEntry[]>;
  checkoutToken?: SignalLike<string | undefined | null>;
  /** purchase.thank-you targets only (the Order API): the order the page confirms. */
  orderConfirmation?: SignalLike<{ order: { id: string } } | undefined>;
  instructions?: SignalLike<
    | {
        lines?: { canAddCartLine?: boolean; canUpdateCartLine?: boolean };
        attributes?: { canUpdateAttributes?: boolean };
      }
    | undefined
  >;
  attributes?: SignalLike<HostAttribute[] | undefined>;
  applyAttributeChange?: (change: {
    type: "updateAttribute";
    key: string;
    value: string;
  }) => Promise<CartLineChangeResult>;
  applyCartLinesChange?: (change: CartLineChange) => Promise<CartLineChangeResult>;
  storage: { read<T = unknown>(key: string): Promise<T | null>; write(key: string, data: unknown): Promise<void> };
  sessionToken?: { get(): Promise<string> };
  settings?: SignalLike<Record<string, string | number | boolean | undefined> | undefined>;
  i18n: {
    translate(key: string, options?: Record<string, unknown>): string | string[];
    formatCurrency(amount: number, options?: { currencyCode?: string; currencyDisplay?: string }): string;
  };
  /** The Storefront API (needs `api_access`); absent where a target has none. */
  query?<T>(query: string, options?: { variables?: Record<string, unknown> }): Promise<T>;
  shop?: { storefrontUrl?: string; myshopifyDomain?: string };
}

/** The host the extension runs in: Shopify sets `globalThis.shopify` before the module runs. */
export const host = (): Host => (globalThis as unknown as { shopify: Host }).shopify;

/**
 * An optional part of the API: absent on some targets (order status has no `instructions`) or
 * without protected-data access (`buyerIdentity`). Checked with `in`, never read blindly.
 */
export const opt = <K extends keyof Host>(shopify: Host, key: K): Host[K] | undefined =>
  key in (shopify as object) ? shopify[key] : undefined;

/** The current value of a signal the target may not have (undefined then). */
export const valueOf = <T>(signal: SignalLike<T> | undefined): T | undefined => signal?.value;
