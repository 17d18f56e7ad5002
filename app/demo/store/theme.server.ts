import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Liquid, Tag, TypeGuards, type TagToken, type TopLevelToken } from "liquidjs";
import { formatMoney } from "~/lib/money";
import cartTemplate from "./theme/cart.liquid?raw";
import indexTemplate from "./theme/index.liquid?raw";
import layoutTemplate from "./theme/layout.liquid?raw";
import productImageSnippet from "./theme/product-image.liquid?raw";
import productTemplate from "./theme/product.liquid?raw";

/**
 * Renders the demo storefront's pages the way Shopify renders a theme with the Moments theme app
 * extension installed: the demo theme's own Liquid (./theme) for the page, and the extension's
 * REAL files (extensions/moments-theme: blocks, snippet, locales, built assets), read as they are
 * on disk, never copied, for what the app adds: the cart page's "Complete your order" app block
 * and the app embed before `</body>`. A block's settings are its schema's defaults, as a merchant
 * gets them on adding the block. An unknown filter is an error (`strictFilters`), so a Liquid
 * feature the extension starts using and this renderer lacks fails loudly instead of rendering
 * something else than Shopify would.
 */
export const STORE_ROOT = "/demo/store";
const EXTENSION_DIR = "extensions/moments-theme";

/** The extension's files, relative to the app's working directory (the repository). */
const extensionPath = (...parts: string[]) => path.resolve(process.cwd(), EXTENSION_DIR, ...parts);
const readExtension = (...parts: string[]) => readFileSync(extensionPath(...parts), "utf8");

/** `{% schema %}...{% endschema %}`: the block's settings for the theme editor, no output. */
class SchemaTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    while (remain.length) {
      const t = remain.shift()!;
      if (TypeGuards.isTagToken(t) && t.name === "endschema") return;
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }
  render(): void {}
}

/** JSON that cannot end the `<script>` it is written into (same value, `<>&` escaped). */
const safeJson = (v: unknown) =>
  (JSON.stringify(v ?? null) ?? "null").replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** The extension's built assets the storefront may load (`assets/moments.js`, `assets/moments.css`). */
export function extensionAsset(name: string): { body: string; type: string; version: string } | null {
  const type = name.endsWith(".js")
    ? "text/javascript; charset=utf-8"
    : name.endsWith(".css")
      ? "text/css; charset=utf-8"
      : null;
  if (!type || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) return null;
  try {
    const body = readExtension("assets", name);
    return { body, type, version: createHash("sha256").update(body).digest("hex").slice(0, 12) };
  } catch {
    return null;
  }
}

function translations(locale: string): Record<string, unknown> {
  const en = JSON.parse(readExtension("locales", "en.default.json")) as Record<string, unknown>;
  if (locale === "en") return en;
  try {
    return { ...en, ...(JSON.parse(readExtension("locales", `${locale}.json`)) as Record<string, unknown>) };
  } catch {
    return en;
  }
}

/** A block's settings as its schema's defaults. */
function defaultSettings(source: string): Record<string, unknown> {
  const schema = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(source)?.[1];
  if (!schema) return {};
  const { settings = [] } = JSON.parse(schema) as { settings?: Array<{ id: string; default?: unknown }> };
  return Object.fromEntries(settings.map((s) => [s.id, s.default ?? null]));
}

export interface ThemeContext {
  locale: string;
  currency: string;
  /** Shopify's global objects for this page: shop, cart, routes, request, localization, customer, product... */
  globals: Record<string, unknown>;
}

function engine(ctx: ThemeContext): Liquid {
  const liquid = new Liquid({
    // The extension's snippet as the blocks `render` it, and the demo theme's own.
    templates: {
      "moments-config": readExtension("snippets", "moments-config.liquid"),
      "product-image": productImageSnippet,
    },
    strictFilters: true,
    cache: false,
  });
  liquid.registerTag("schema", SchemaTag);
  const t = translations(ctx.locale);
  liquid.registerFilter("json", safeJson);
  liquid.registerFilter("t", (key: string) => {
    const v = String(key)
      .split(".")
      .reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), t);
    return typeof v === "string" ? v : `translation missing: ${ctx.locale}.${key}`;
  });
  liquid.registerFilter("asset_url", (name: string) => {
    const asset = extensionAsset(String(name));
    return `${STORE_ROOT}/assets/${encodeURIComponent(String(name))}${asset ? `?v=${asset.version}` : ""}`;
  });
  // Shopify's money filter: cents of the cart's currency, formatted for the buyer's locale.
  liquid.registerFilter("money", (cents: number) => formatMoney(Number(cents) || 0, ctx.currency, ctx.locale));
  return liquid;
}

async function renderBlock(liquid: Liquid, ctx: ThemeContext, file: string): Promise<string> {
  const source = readExtension("blocks", file);
  return liquid.parseAndRender(
    source,
    { block: { settings: defaultSettings(source), shopify_attributes: "" } },
    { globals: ctx.globals },
  );
}

export type StoreTemplate = "index" | "product" | "cart";
const TEMPLATES: Record<StoreTemplate, string> = { index: indexTemplate, product: productTemplate, cart: cartTemplate };

/**
 * A whole page: the template inside the layout, with the cart page's app block where the merchant
 * put it (`app_block_cart`, in the cart section) and the app embed at the end of the body.
 */
export async function renderStorePage(template: StoreTemplate, ctx: ThemeContext, title: string): Promise<string> {
  const liquid = engine(ctx);
  const scope = {
    app_block_cart: template === "cart" ? await renderBlock(liquid, ctx, "cart-cross-sell.liquid") : "",
  };
  const content = await liquid.parseAndRender(TEMPLATES[template], scope, { globals: ctx.globals });
  const embed = await renderBlock(liquid, ctx, "moments-embed.liquid");
  return liquid.parseAndRender(
    layoutTemplate,
    { content_for_layout: content, app_embeds: embed, page_title: title },
    { globals: ctx.globals },
  );
}
