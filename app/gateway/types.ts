import type { ProductReadSizes } from "./product-reads";
import type { ShopBilling } from "~/billing/api";
/**
 * The seam between Moments and a store. Real mode talks to Shopify's Admin API; demo mode talks
 * to the demo store in the local database. Everything above this interface is shared.
 */
export interface CatalogVariant {
  id: string;
  title: string;
  sku: string | null;
  /** Unit price per currency, integer minor units. */
  prices: Record<string, number>;
  inventory: number | null;
  sellingPlanId: string | null;
}

export interface CatalogProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  tags: string[];
  /**
   * Collection GIDs (`gid://shopify/Collection/N`), as offers target them and as the checkout's
   * Storefront query and the function's `inCollections` name them (the demo store's too).
   */
  collections: string[];
  imageUrl: string | null;
  variants: CatalogVariant[];
  /** False for a draft or archived product: buyers cannot add it to a cart (Shopify's `status`). */
  active: boolean;
}

/** A collection an offer can be triggered by (the offer editor's picker). */
export interface CollectionSummary {
  /** `gid://shopify/Collection/N`, as `CatalogProduct.collections` and offers name it. */
  id: string;
  title: string;
}

export interface PublishResult {
  publishedAt: Date;
}

/** A single-use discount code for one buyer (follow-up email). */
export interface DiscountCodeInput {
  code: string;
  title: string;
  /** Share off the offer's items, 0 < percentage <= 1 (Admin API `percentage`). */
  percentage: number;
  variantIds: string[];
  /** The buyer's Customer GID; null (guest order) leaves the code to anyone, still usable once. */
  customerId: string | null;
  startsAt: Date;
  endsAt: Date;
}

/**
 * The Discount Function's input query variables (extensions/discount-function): the trigger tags
 * and collection ids the function asks each cart line's product about. Stored as JSON on the
 * function owner, the automatic app discount, in the metafield the function's toml declares.
 */
export interface OfferFunctionInput {
  tags: string[];
  collections: string[];
}
/** `[extensions.input.variables]` in extensions/discount-function/shopify.extension.toml. */
export const OFFER_FUNCTION_INPUT_METAFIELD = { namespace: "$app:moments", key: "function-input" } as const;

/** A `$app` shop metafield value written next to the payload (e.g. a Discount Function shard). */
export interface AppMetafieldValue {
  key: string;
  value: string;
  /** A Shopify metafield type, e.g. `multi_line_text_field`. */
  type: string;
}

/** An order as the thank-you order edit needs it (decision 026): money in the presentment currency. */
export interface OrderFacts {
  id: string;
  createdAt: Date;
  cancelled: boolean;
  test: boolean;
  /** The checkout the order came from: the thank-you page's `checkoutToken`. */
  checkoutToken: string | null;
  /** The order's `_moments_journey` attribute, when a surface wrote one. */
  journeyAttribute: string | null;
  customerId: string | null;
  locale: string | null;
  country: string | null;
  /** The currency the buyer paid in. */
  currency: string;
  /** Line items after discounts, minor units. */
  subtotalMinor: number;
  lines: Array<{ productId: string; variantId: string; quantity: number; totalMinor: number }>;
  /** False with Shopify's reasons when the order cannot be edited (cancelled, archived, ...). */
  editable: boolean;
  notEditableReasons: string[];
}

/** A line an order edit added: Shopify's calculated line and its unit price before any discount. */
export interface AddedLine {
  lineItemId: string;
  quantity: number;
  unitMinor: number;
  currency: string;
}

/**
 * One order edit, staged until `commit` (Shopify's `orderEditBegin` ... `orderEditCommit`): nothing
 * reaches the order before the commit, and an edit never committed changes nothing.
 */
export interface OrderEditSession {
  /** Adds a variant as a new line (`orderEditAddVariant`), at Shopify's price for the order. */
  addVariant(variantId: string, quantity: number): Promise<AddedLine>;
  /** A fixed discount on each unit of an added line; answers the discounted unit price Shopify calculated. */
  discountLine(line: AddedLine, perUnitMinor: number, description: string): Promise<{ discountedUnitMinor: number }>;
  /** Applies the staged changes; the order's outstanding balance after it, minor units. */
  commit(opts: { notifyCustomer: boolean; staffNote: string }): Promise<{ balanceMinor: number; currency: string }>;
}

/** Whose catalog a shop has: Shopify's (Admin API) or the demo store's. */
export type CatalogKind = "shopify" | "demo";

export interface ShopGateway {
  readonly kind: CatalogKind;
  /** The currencies the admin asks amounts in: the catalog's (the demo store prices in EUR and USD). */
  readonly currencies: readonly string[];
  /** Products matching a free-text query (title, vendor, tag), at most `limit`. */
  searchProducts(query: string, limit?: number): Promise<CatalogProduct[]>;
  /**
   * Products by id, read as far as `sizes` asks (FULL_PRODUCT when left out); the demo store has
   * everything at hand and reads it all. Shopify's reads go in as many queries as the cost allows.
   */
  getProducts(ids: string[], sizes?: ProductReadSizes): Promise<CatalogProduct[]>;
  /** The shop's collections by title (at most 100), optionally those matching a search query. */
  listCollections(query?: string): Promise<CollectionSummary[]>;
  /**
   * Writes the app-owned shop metafield the extensions read ($app namespace), and with it, in the
   * same all-or-nothing write, `alongside`: more `$app` shop metafields (the Discount Function's
   * payload shards), so the checkout and the function never read two different publications.
   */
  publishMetafield(key: string, jsonValue: string, alongside?: readonly AppMetafieldValue[]): Promise<PublishResult>;
  readMetafield(key: string): Promise<string | null>;
  /**
   * Makes sure the shop has the automatic app discount that runs Moments' Discount Function
   * (without it, accepted offer lines are charged full price) and, when given, sets the function's
   * input variables on it (without them, tag- and collection-triggered offers get no price).
   * The demo store has no discount: it prices offer lines in its journey simulation and only keeps
   * the variables.
   */
  ensureOfferDiscount?(functionInput?: OfferFunctionInput): Promise<void>;
  /** Creates the code; creating a code that already exists (a retry) succeeds with the same code. */
  createDiscountCode(input: DiscountCodeInput): Promise<{ code: string }>;
  /** An order of the shop, or null when the shop has none with this id. */
  getOrder(orderId: string): Promise<OrderFacts | null>;
  /** Starts editing a paid order (decision 026). */
  beginOrderEdit(orderId: string): Promise<OrderEditSession>;
  /** Shopify's invoice for the order's outstanding balance (`orderInvoiceSend`): the buyer pays through its link. */
  sendOrderInvoice(orderId: string): Promise<void>;
  /**
   * The shop's order history and catalog facts for suggestions (decision 029): Shopify's bulk
   * operation over orders, or the demo store's seeded history. Optional so that a test's fake
   * gateway need not have it; both real gateways do.
   */
  readonly orderHistory?: OrderHistory;
  /**
   * Shopify's Billing API (decision 033), or the demo's simulated billing. Optional so that a
   * test's fake gateway need not have it; both real gateways do.
   */
  readonly billing?: ShopBilling;
  /**
   * The shop owner's email as Shopify knows it (Admin `shop { email }`), for the merchant's notices;
   * null when the store has none. The demo store has no merchant, so no such method.
   */
  shopEmail?(): Promise<string | null>;
}

/** A product as suggestions rank it: price in the shop's currency, whether it can be offered at all. */
export interface SuggestionCatalogProduct {
  id: string;
  /** The first sellable variant's price (else the first's), minor units of the shop's currency. */
  price: number;
  giftCard: boolean;
  /** Some variant is available for sale (in stock, untracked, or selling past zero). */
  inStock: boolean;
  vendor: string;
  tags: string[];
  collections: string[];
}

/** Where an export of the shop's orders is. */
export type OrderExportState =
  | { status: "running"; operationId: string }
  | { status: "failed"; operationId: string | null; error: string }
  /** Shopify's bulk JSONL, streamed line by line from its URL (an empty export has no lines). */
  | { status: "completed"; operationId: string | null; format: "bulk_jsonl"; lines: () => AsyncIterable<string> }
  /** The demo store's history: one `{ orderId, productId }` a line. */
  | {
      status: "completed";
      operationId: null;
      format: "order_lines";
      lines: () => Iterable<{ orderId: string; productId: string }>;
    };

export interface OrderHistory {
  /**
   * Starts exporting the orders created since `since` (Shopify: `bulkOperationRunQuery` with the
   * miner's query; answers `running`). The demo store answers `completed` at once.
   */
  start(since: Date): Promise<OrderExportState>;
  /** The state of a started export (Shopify: `bulkOperation(id:)`). */
  check(operationId: string): Promise<OrderExportState>;
  /** The shop's active products, at most `limit`, with the facts ranking needs. */
  catalog(limit: number): Promise<SuggestionCatalogProduct[]>;
}

/** A plain-words error a merchant can act on; routes show `message` as is. */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = "GatewayError";
  }
}

/**
 * Shopify answered and refused (userErrors, or errors in the response): the request changed
 * nothing. A plain GatewayError may also mean that Shopify was not reached, or that its answer was
 * lost after it acted.
 */
export class GatewayRefusal extends GatewayError {
  constructor(message: string, detail?: unknown) {
    super(message, detail);
    this.name = "GatewayRefusal";
  }
}
