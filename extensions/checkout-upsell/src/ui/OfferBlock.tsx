/** @jsxImportSource preact */
/// <reference types="@shopify/ui-extensions/purchase.checkout.block.render" />
import { Component, render } from "preact";
import type { MomentId, ShownOffer } from "@moments/engine";
import { APP_URL } from "../core/config";
import { EventQueue, type Surface } from "../core/events";
import { host, opt, type Host } from "../core/host";
import { loadJourney, recordJourney, tagCheckoutWithJourney, type Journey } from "../core/journey";
import {
  acceptChanges,
  canAccept,
  decideView,
  fromMinor,
  newCheckoutUrl,
  readPayload,
  rollbackChanges,
  snapshotOf,
  type Snapshot,
  type View,
} from "../core/offers";

const reported = new Set<string>();
/** A broken payload or engine failure renders nothing and is reported once per page. */
export function reportOnce(problem: string) {
  const kind = problem.split(":")[0]!;
  if (reported.has(kind)) return;
  reported.add(kind);
  console.error(`[moments] offer not rendered: ${problem}`);
}

/** A merchant setting of this placement; unset keys are absent from the object. */
const setting = (values: Record<string, unknown> | undefined, key: string) =>
  values && key in values ? values[key] : undefined;

const appUrl = () => {
  const s = setting(opt(host(), "settings")?.value, "app_url");
  return typeof s === "string" && s ? s : APP_URL;
};
export const events = new EventQueue(host, appUrl);

const t = (shopify: Host, key: string, options?: Record<string, unknown>) => {
  const r = shopify.i18n.translate(key, options);
  return Array.isArray(r) ? r.join("") : r;
};

const armOf = (o: ShownOffer) =>
  o.variantId
    ? {
        offerId: o.offerId,
        arm: "variant" as const,
        variantId: o.variantId,
        ...(o.experimentId ? { experimentId: o.experimentId } : {}),
      }
    : { offerId: o.offerId, arm: "none" as const };

type Phase = "idle" | "busy" | "done" | "error";
interface Props {
  moment: MomentId;
  surface: Surface;
}
interface State {
  journey: Journey | null;
  phase: Phase;
  done?: ShownOffer;
}

/**
 * One offer placement. A class component rather than hooks: it keeps preact/hooks out of the
 * bundle (the 16 KB budget), and the host's signals only need subscribe -> forceUpdate.
 */
export class OfferBlock extends Component<Props, State> {
  override state: State = { journey: null, phase: "idle" };
  private unsubscribe: Array<() => void> = [];
  private viewKey = "";
  private view: View = { kind: "none", reason: "loading" };
  private snapshot!: Snapshot;
  private announced = "";

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
    if (!journey) return (this.view = { kind: "none", reason: "loading" });
    const read = readPayload(shopify.appMetafields.value);
    const slot = Number(setting(opt(shopify, "settings")?.value, "slot") ?? 1) || 1;
    const key = JSON.stringify([this.snapshot, journey.state, slot, read.ok && read.payload.publishedAt]);
    if (key === this.viewKey) return this.view;
    this.viewKey = key;
    const { moment } = this.props;
    this.view = !read.ok
      ? { kind: "none", reason: read.problem }
      : decideView({
          payload: read.payload,
          snapshot: this.snapshot,
          moment,
          journeyKey: journey.key,
          journey: journey.state,
          now: Date.now(),
          slot,
          ...(moment === "thank_you" ? { purchased: this.snapshot.lines.map((l) => l.productId) } : {}),
        });
    return this.view;
  }

  private eventBase(journey: Journey) {
    const s = this.snapshot;
    const b: Record<string, unknown> = {
      moment: this.props.moment,
      surface: this.props.surface,
      journeyKey: journey.key,
      currency: s.currency,
    };
    if (s.device) b.device = s.device;
    if (s.country) b.country = s.country;
    if (s.returning !== undefined) b.returning = s.returning;
    return b as { moment: MomentId; surface: Surface; journeyKey: string; currency: string };
  }

  /** Records what was shown (or held out) once per view: impression event and journey slot. */
  override componentDidUpdate() {
    const { journey } = this.state;
    const view = this.view;
    if (!journey) return;
    if (view.kind === "none") {
      if (view.reason.startsWith("payload_") || view.reason.startsWith("engine_error")) reportOnce(view.reason);
      return;
    }
    const offerId = view.kind === "offer" ? view.offer.offerId : view.offerId;
    const once = `i:${journey.key}:${offerId}:${this.props.moment}`;
    if (this.announced === once) return;
    this.announced = once;
    void recordJourney(host(), journey, { shown: { offerId, moment: this.props.moment } }).then(
      (j) => j !== journey && this.setState({ journey: j }),
    );
    const arm =
      view.kind === "holdout"
        ? { offerId, arm: "holdout" as const, ...(view.experimentId ? { experimentId: view.experimentId } : {}) }
        : armOf(view.offer);
    events.push({ ...this.eventBase(journey), type: "impression", ...arm }, once);
  }

  private decline(offer: ShownOffer, journey: Journey) {
    events.push({ ...this.eventBase(journey), ...armOf(offer), type: "decline" });
    void recordJourney(host(), journey, { declined: offer.offerId }).then((j) => this.setState({ journey: j }));
  }

  private async accept(offer: ShownOffer, journey: Journey) {
    const shopify = host();
    const ev = { ...this.eventBase(journey), ...armOf(offer) };
    events.push({ ...ev, type: "click" });
    const changes = acceptChanges(offer, this.snapshot);
    const apply = opt(shopify, "applyCartLinesChange");
    if (!apply || "error" in changes) return this.setState({ phase: "error" });
    this.setState({ phase: "busy" });
    const run = (c: (typeof changes)[number]) =>
      apply(c).catch((e: unknown) => ({ type: "error" as const, message: String(e) }));
    for (const [i, change] of changes.entries()) {
      const r = await run(change);
      if (r.type === "success") continue;
      for (const undo of rollbackChanges(offer, changes.slice(0, i), shopify.lines.value)) await run(undo);
      return this.setState({ phase: "error" });
    }
    events.push({ ...ev, type: "accept", valueMinor: offer.price.final });
    this.setState({
      phase: "done",
      done: offer,
      journey: await recordJourney(shopify, journey, { accepted: offer.offerId }),
    });
  }

  override render() {
    const shopify = host();
    const { journey, phase, done } = this.state;
    if (phase === "done" && done) {
      return (
        <s-banner tone="success" heading={t(shopify, "offer.added")}>
          <s-text>{done.copy.title}</s-text>
        </s-banner>
      );
    }
    const view = this.decide(shopify, journey);
    if (view.kind !== "offer" || !journey) return null;
    const offer = view.offer;
    const after = this.props.moment === "thank_you";
    if (!after && !canAccept(offer, opt(shopify, "instructions")?.value)) return null;
    const cur = offer.price.currency;
    const fmt = (minor: number) => shopify.i18n.formatCurrency(fromMinor(minor, cur), { currencyCode: cur });
    const swap = offer.lines.some((l) => l.action === "swap");
    const cta = offer.copy.cta ?? t(shopify, after ? "offer.newCheckout" : swap ? "offer.upgrade" : "offer.add");
    const storefront = opt(shopify, "shop")?.storefrontUrl;
    const busy = phase === "busy";
    return (
      <s-stack gap="base" border="base" padding="base" border-radius="base">
        <s-heading>{offer.copy.title}</s-heading>
        {offer.copy.body ? <s-text>{offer.copy.body}</s-text> : null}
        <s-stack direction="inline" gap="small-200">
          <s-text type="strong">{fmt(offer.price.final)}</s-text>
          {offer.price.savings > 0 ? (
            <s-text tone="neutral">{t(shopify, "offer.was", { price: fmt(offer.price.original) })}</s-text>
          ) : null}
        </s-stack>
        {phase === "error" ? <s-banner tone="critical">{t(shopify, "offer.error")}</s-banner> : null}
        <s-stack direction="inline" gap="base">
          {after ? (
            storefront ? (
              <s-button
                variant="primary"
                href={newCheckoutUrl(storefront, offer)}
                onClick={() => events.push({ ...this.eventBase(journey), ...armOf(offer), type: "click" })}
              >
                {cta}
              </s-button>
            ) : null
          ) : (
            <s-button variant="primary" loading={busy} disabled={busy} onClick={() => void this.accept(offer, journey)}>
              {cta}
            </s-button>
          )}
          <s-button variant="secondary" disabled={busy} onClick={() => this.decline(offer, journey)}>
            {offer.copy.decline ?? t(shopify, "offer.decline")}
          </s-button>
        </s-stack>
      </s-stack>
    );
  }
}

/** Every target's entry point: render the moment's offer into the extension root. */
export function mount(moment: MomentId, surface: Surface = "checkout") {
  render(<OfferBlock moment={moment} surface={surface} />, document.body);
}
