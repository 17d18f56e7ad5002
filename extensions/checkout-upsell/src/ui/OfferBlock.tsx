/** @jsxRuntime classic */
/** @jsx h */
/// <reference types="@shopify/ui-extensions/purchase.checkout.block.render" />
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` is the JSX factory named by the pragma above
import { Component, h, mount as mountComponent } from "./render";
import type { MomentId, Payload, ShownOffer } from "@moments/engine";
import { appUrl, armOf, events, reportOnce, setting, t, type ArmFields } from "./block-host";
import {
  acceptChanges,
  addsToOrder,
  callApp,
  canAccept,
  checkoutReachedEvent,
  decideView,
  exposureEvents,
  fromMinor,
  guardsBeforeCheckout,
  hasPostPurchase,
  host,
  loadJourney,
  needsFacts,
  newCheckoutUrl,
  opt,
  orderRef,
  readPayload,
  recordJourney,
  rollbackChanges,
  snapshotOf,
  tagCheckoutWithJourney,
  valueOf,
  withFacts,
  type CartLineChange,
  type EventType,
  type Host,
  type Journey,
  type Snapshot,
  type Surface,
  type View,
} from "@moments/surfaces/checkout";
import {
  THANK_YOU_ACCEPT_PATH,
  THANK_YOU_OFFER_PATH,
  type ThankYouAccepted,
  type ThankYouOfferAnswer,
  type ThankYouOrderRef,
} from "@moments/contracts";

export { events, reportOnce };

type Phase = "idle" | "busy" | "done" | "error";
interface Props {
  moment: MomentId;
  surface: Surface;
}
interface State {
  journey: Journey | null;
  phase: Phase;
  done?: ShownOffer;
  /** Shopify emailed its invoice for the balance of the order the offer was added to. */
  invoiced?: boolean;
  /**
   * Thank-you page: the post-purchase offer the app answered for a checkout that skipped the
   * post-purchase page (null: none); undefined while not asked or asking (decision 026).
   */
  fallback?: ShownOffer | null;
}

/**
 * One offer placement, a class component: the host's signals only need subscribe -> forceUpdate.
 */
export class OfferBlock extends Component<Props, State> {
  // Fields assigned in the constructor rather than initialised: see the note in core/events.ts.
  declare private unsubscribe: Array<() => void>;
  declare private viewKey: string;
  declare private view: View;
  declare private snapshot: Snapshot;
  declare private announced: string;
  /** The merchant's "Show prices" setting (Intl currencyDisplay), from the payload. */
  declare private display: string | undefined;
  /** Thank-you page in order-edit mode: the order the offer is added to (decision 026). */
  declare private order: ThankYouOrderRef | undefined;
  declare private asked: boolean;
  /** The payload of the last decision (whether it has offers decided before the checkout). */
  declare private payload: Payload | undefined;

  constructor(props: Props) {
    super(props);
    this.state = { journey: null, phase: "idle" };
    this.unsubscribe = [];
    this.viewKey = "";
    this.view = { kind: "none", reason: "loading", exposures: [] };
    this.announced = "";
    this.asked = false;
  }

  override componentDidMount() {
    const s = host();
    const loc = opt(s, "localization");
    for (const signal of [
      s.lines,
      s.appMetafields,
      loc?.language,
      loc?.country,
      opt(s, "instructions"),
      opt(s, "settings"),
    ]) {
      const off = signal?.subscribe?.(() => this.forceUpdate());
      if (off) this.unsubscribe.push(off);
    }
    void loadJourney(s).then((journey) => {
      this.setState({ journey });
      void tagCheckoutWithJourney(s, journey.key);
    });
  }

  override componentWillUnmount() {
    for (const off of this.unsubscribe) off();
    // The placement is going away (next step, navigation): send what is queued now.
    void events.flush();
  }

  /** payload + checkout state + journey -> the view, recomputed only when one of them changed. */
  private decide(shopify: Host, journey: Journey | null): View {
    this.snapshot = snapshotOf(shopify, (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent);
    if (!journey) return (this.view = { kind: "none", reason: "loading", exposures: [] });
    const read = readPayload(shopify.appMetafields.value);
    this.payload = read.ok ? read.payload : undefined;
    if (read.ok) {
      this.display = read.payload.settings.currencyDisplay;
      if (needsFacts(read.payload))
        this.snapshot.lines = withFacts(shopify, this.snapshot.lines, () => this.forceUpdate());
      this.order = this.props.moment === "thank_you" && addsToOrder(read.payload) ? orderRef(shopify) : undefined;
      // A checkout that skipped the post-purchase page (wallets): the app may answer its offer,
      // which this placement shows instead. Asked once; until it answers, nothing is shown.
      if (this.order && hasPostPurchase(read.payload) && (Number(setting(shopify, "slot")) || 1) === 1) {
        if (!this.asked) this.askFallback(this.order);
        const fallback = this.state.fallback;
        if (fallback === undefined) return (this.view = { kind: "none", reason: "loading", exposures: [] });
        // Declined (or taken) earlier in the journey: the thank-you moment decides as usual.
        const { declined, accepted } = journey.state;
        if (fallback && declined.indexOf(fallback.offerId) < 0 && accepted.indexOf(fallback.offerId) < 0) {
          return (this.view = { kind: "offer", offer: fallback, exposures: [] });
        }
      }
    }
    const slot = Number(setting(shopify, "slot")) || 1;
    const key = JSON.stringify([this.snapshot, journey.state, slot, read.ok && read.payload.publishedAt]);
    if (key === this.viewKey) return this.view;
    this.viewKey = key;
    const { moment } = this.props;
    this.view = !read.ok
      ? { kind: "none", reason: read.problem, exposures: [] }
      : decideView({
          payload: read.payload,
          snapshot: this.snapshot,
          moment,
          journeyKey: journey.key,
          journey: journey.state,
          pins: journey.state.arms,
          now: Date.now(),
          slot,
          purchased: moment === "thank_you" ? this.snapshot.lines.map((l) => l.productId) : undefined,
        });
    return this.view;
  }

  /** Asks the app for the post-purchase offer of this order (decision 026); any failure is "none". */
  private askFallback(order: ThankYouOrderRef) {
    this.asked = true;
    callApp<ThankYouOfferAnswer>(host(), appUrl(), THANK_YOU_OFFER_PATH, order).then(
      (a) => this.setState({ fallback: a.offer || null }),
      () => this.setState({ fallback: null }),
    );
  }

  /** Queues an event of this placement, with what is known of the buyer (unknowns left out by JSON). */
  private track(journey: Journey, type: EventType, arm: ArmFields, once?: string, valueMinor?: number) {
    const s = this.snapshot;
    events.push(
      Object.assign(arm, {
        type,
        surface: this.props.surface,
        journeyKey: journey.key,
        currency: s.currency,
        device: s.device,
        country: s.country,
        returning: s.returning,
        valueMinor,
      }),
      once,
    );
  }

  /**
   * At the point of decision: the moment's exposures (hold-out and variants alike, from every
   * placement: their ids are deterministic), then what this placement shows: its impression and
   * journey slot. A held-out place shows nothing, so it has no impression, only its exposure.
   */
  override componentDidUpdate() {
    const { journey } = this.state;
    const view = this.view;
    if (!journey) return;
    for (const e of exposureEvents(view.exposures, journey.key, this.props.surface, this.snapshot))
      events.push(e, e.id);
    // The journey reached the checkout (decision 035), whatever its arms: the guardrail of
    // pre-checkout offers. One id per journey key: every step and placement is one event.
    if (this.props.surface === "checkout" && this.payload && guardsBeforeCheckout(this.payload)) {
      const e = checkoutReachedEvent(journey.key, this.props.moment);
      events.push(e, e.id);
    }
    // The arms decided here are kept for the journey (decision 030): the same object when none is new.
    const pinned = recordJourney(host(), journey, { exposures: view.exposures });
    if (view.kind === "none") {
      if (/^(payload_|engine_error)/.test(view.reason)) reportOnce(view.reason);
      void pinned.then((j) => j !== journey && this.setState({ journey: j }));
      return;
    }
    const offerId = view.kind === "offer" ? view.offer.offerId : view.offerId;
    const once = `i:${journey.key}:${offerId}:${this.props.moment}`;
    if (this.announced === once) {
      void pinned.then((j) => j !== journey && this.setState({ journey: j }));
      return;
    }
    this.announced = once;
    void pinned
      .then((j) => recordJourney(host(), j, { shown: { offerId, moment: this.props.moment } }))
      .then((j) => j !== journey && this.setState({ journey: j }));
    if (view.kind === "offer") this.track(journey, "impression", armOf(view.offer), once);
  }

  private decline(offer: ShownOffer, journey: Journey) {
    this.track(journey, "decline", armOf(offer));
    void recordJourney(host(), journey, { declined: offer.offerId }).then((j) => this.setState({ journey: j }));
  }

  /**
   * Thank-you page: the app adds the offer to the paid order through Shopify's order editing, priced
   * by its own engine; Shopify's invoice collects the difference. The app records the accept.
   */
  private addToOrder(offer: ShownOffer, journey: Journey, order: ThankYouOrderRef) {
    this.track(journey, "click", armOf(offer));
    this.setState({ phase: "busy" });
    const s = this.snapshot;
    callApp<ThankYouAccepted>(host(), appUrl(), THANK_YOU_ACCEPT_PATH, {
      orderId: order.orderId,
      checkoutToken: order.checkoutToken,
      offerId: offer.offerId,
      moment: offer.moment,
      expected: { final: offer.price.final, currency: offer.price.currency },
      device: s.device,
      returning: s.returning,
      declined: journey.state.declined,
    }).then(
      (added) =>
        recordJourney(host(), journey, { accepted: offer.offerId }).then((j) =>
          this.setState({ phase: "done", done: offer, journey: j, invoiced: added.invoiceSent }),
        ),
      () => this.setState({ phase: "error" }),
    );
  }

  /** Applies the offer's cart changes in order (a promise chain: see the note in core/journey.ts). */
  private accept(offer: ShownOffer, journey: Journey): void {
    const shopify = host();
    this.track(journey, "click", armOf(offer));
    const changes = acceptChanges(offer, this.snapshot);
    const apply = opt(shopify, "applyCartLinesChange");
    if (!apply || "error" in changes) return this.setState({ phase: "error" });
    this.setState({ phase: "busy" });
    const run = (c: CartLineChange) => apply(c).catch((e: unknown) => ({ type: "error" as const, message: String(e) }));
    // One change after another; when one is refused, the lines already added are removed again.
    const applyFrom = (i: number): Promise<void> => {
      const change = changes[i];
      if (!change) {
        this.track(journey, "accept", armOf(offer), undefined, offer.price.final);
        return recordJourney(shopify, journey, { accepted: offer.offerId }).then((j) =>
          this.setState({ phase: "done", done: offer, journey: j }),
        );
      }
      return run(change).then((r) => {
        if (r.type === "success") return applyFrom(i + 1);
        const undo = rollbackChanges(offer, changes.slice(0, i), shopify.lines.value);
        return undo
          .reduce<Promise<unknown>>((prev, u) => prev.then(() => run(u)), Promise.resolve())
          .then(() => this.setState({ phase: "error" }));
      });
    };
    // Started asynchronously, so a host that throws instead of rejecting cannot break the click handler.
    void Promise.resolve(0).then(applyFrom);
  }

  override render() {
    const shopify = host();
    const { journey, phase, done } = this.state;
    if (phase === "done" && done) {
      return (
        <s-banner tone="success" heading={t(shopify, "offer.added")}>
          <s-text>{done.copy.title}</s-text>
          {this.state.invoiced ? <s-text>{t(shopify, "offer.invoice")}</s-text> : null}
        </s-banner>
      );
    }
    const view = this.decide(shopify, journey);
    if (view.kind !== "offer" || !journey) return null;
    const offer = view.offer;
    const order = this.order;
    // After payment without the order edit: a link to a new checkout (the merchant's choice, or a
    // target that does not know its order).
    const after = this.props.moment === "thank_you" && !order;
    if (!after && !order && !canAccept(offer, valueOf(opt(shopify, "instructions")))) return null;
    const cur = offer.price.currency;
    const fmt = (minor: number) =>
      shopify.i18n.formatCurrency(fromMinor(minor, cur), { currencyCode: cur, currencyDisplay: this.display });
    const swap = offer.lines.some((l) => l.action === "swap");
    // Copy strings are validated non-empty (decodePayload), so `||` falls back exactly like `??`.
    const cta = offer.copy.cta || t(shopify, after ? "offer.newCheckout" : swap ? "offer.upgrade" : "offer.add");
    const storefront = opt(shopify, "shop")?.storefrontUrl;
    const busy = phase === "busy";
    // The offer's layout (decision 024): `card` (thumbnail beside the copy), `compact` (a small
    // thumbnail beside the headline and price, no text) or `banner` (a wide image above the copy on
    // a subdued panel). One tree: the layouts differ in a few props.
    const { title, body } = offer.copy;
    const compact = offer.design === "compact";
    const banner = offer.design === "banner";
    const image = offer.image;
    const copy = (
      <s-stack gap="small-200">
        <s-heading>{title}</s-heading>
        {body && !compact ? <s-text>{body}</s-text> : null}
        <s-stack direction="inline" gap="small-200">
          <s-text type="strong">{fmt(offer.price.final)}</s-text>
          {offer.price.savings > 0 ? (
            <s-text tone="neutral">{t(shopify, "offer.was", { price: fmt(offer.price.original) })}</s-text>
          ) : null}
        </s-stack>
      </s-stack>
    );
    return (
      <s-stack gap="base" border="base" padding="base" border-radius="base" background={banner ? "subdued" : "base"}>
        {!image ? (
          copy
        ) : banner ? (
          [<s-image src={image} alt={title} aspectRatio="2" objectFit="contain" borderRadius="base" />, copy]
        ) : (
          <s-grid gridTemplateColumns="auto 1fr" gap="base" alignItems={compact ? "center" : "start"}>
            <s-product-thumbnail src={image} alt={title} size={compact ? "small" : "base"} />
            {copy}
          </s-grid>
        )}
        {phase === "error" ? <s-banner tone="critical">{t(shopify, "offer.error")}</s-banner> : null}
        <s-stack direction="inline" gap="base">
          {after ? (
            storefront ? (
              <s-button
                variant="primary"
                href={newCheckoutUrl(storefront, offer, journey.key)}
                onClick={() => this.track(journey, "click", armOf(offer))}
              >
                {cta}
              </s-button>
            ) : null
          ) : (
            <s-button
              variant="primary"
              loading={busy}
              disabled={busy}
              onClick={() => (order ? this.addToOrder(offer, journey, order) : this.accept(offer, journey))}
            >
              {cta}
            </s-button>
          )}
          <s-button variant="secondary" disabled={busy} onClick={() => this.decline(offer, journey)}>
            {offer.copy.decline || t(shopify, "offer.decline")}
          </s-button>
        </s-stack>
      </s-stack>
    );
  }
}

/** Every target's entry point: render the moment's offer into the extension root. */
export function mount(moment: MomentId, surface: Surface = "checkout") {
  mountComponent(new OfferBlock({ moment, surface }), document.body);
}
