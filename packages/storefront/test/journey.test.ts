import { describe, expect, it, vi } from "vitest";
import { ARMS_MAX } from "@moments/contracts";
import { storefrontArms } from "@moments/surfaces/checkout";
import { keepArms, tagCart } from "../src/journey";

const store = (initial: Record<string, string> = {}) => {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
};

describe("the journey key on the cart", () => {
  it("GIVEN a cart without the attribute WHEN tagged THEN cart/update.js gets `_moments_journey` = the key, once per key", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    const s = store();
    expect(await tagCart(post, s, "jk-1", "")).toBe(true);
    expect(post).toHaveBeenCalledExactlyOnceWith("cart/update.js", { attributes: { _moments_journey: "jk-1" } });
    expect(await tagCart(post, s, "jk-1", undefined)).toBe(false);
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("GIVEN the key was written before WHEN the cart is seen without it (a new cart) THEN it is written again", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    expect(await tagCart(post, store({ moments_jkc: "jk-1" }), "jk-1", "")).toBe(true);
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("GIVEN the cart already carries a journey key WHEN tagged THEN it is kept", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    expect(await tagCart(post, store(), "jk-1", "checkout-key")).toBe(false);
    expect(post).not.toHaveBeenCalled();
  });

  it("GIVEN the Cart API fails or rejects WHEN tagged THEN it resolves false, throws nothing and tries again next time", async () => {
    const s = store();
    expect(await tagCart(async () => ({ ok: false }), s, "jk-1", undefined)).toBe(false);
    expect(await tagCart(() => Promise.reject(new Error("offline")), s, "jk-1", undefined)).toBe(false);
    const post = vi.fn(async () => ({ ok: true }));
    expect(await tagCart(post, s, "jk-1", undefined)).toBe(true);
  });
});

describe("the storefront's arms on the cart (decision 035)", () => {
  const JK = "0123456789abcdef0123456789abcdef";
  it("GIVEN the proxy's arms WHEN kept THEN `_moments_arms` is written once, headed by the journey key, and reads back as the checkout reads it", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    const s = store();
    expect(await keepArms(post, s, JK, ["exp-a:1:holdout", "exp-b:2:v1"])).toBe(true);
    const value = `${JK} exp-a:1:holdout exp-b:2:v1`;
    expect(post).toHaveBeenCalledExactlyOnceWith("cart/update.js", { attributes: { _moments_arms: value } });
    expect(storefrontArms(value, JK)).toEqual({ "exp-a:1": "holdout", "exp-b:2": "v1" });
    // The same arms again (another moment, a reload): nothing to write.
    expect(await keepArms(post, s, JK, ["exp-b:2:v1"])).toBe(false);
    expect(post).toHaveBeenCalledTimes(1);
  });

  it("GIVEN an arm kept for an experiment version WHEN the proxy later names another arm of it THEN the first stays (the arm first shown)", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    const s = store();
    await keepArms(post, s, JK, ["exp-a:1:v1"]);
    expect(await keepArms(post, s, JK, ["exp-a:1:v2", "exp-c:1:v3"])).toBe(true);
    expect(post).toHaveBeenLastCalledWith("cart/update.js", {
      attributes: { _moments_arms: `${JK} exp-a:1:v1 exp-c:1:v3` },
    });
  });

  it("GIVEN the arms were written WHEN a new cart (after an order) is seen without them THEN they are written again; a cart carrying them is left alone", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    const s = store();
    await keepArms(post, s, JK, ["exp-a:1:v1"]);
    expect(await keepArms(post, s, JK, [], `${JK} exp-a:1:v1`)).toBe(false);
    expect(await keepArms(post, s, JK, [], "")).toBe(true);
    expect(post).toHaveBeenCalledTimes(2);
  });

  it("GIVEN more experiment versions than the bound WHEN kept THEN only the newest ARMS_MAX go on the cart", async () => {
    const post = vi.fn(async () => ({ ok: true }));
    const arms = Array.from({ length: ARMS_MAX + 3 }, (_, i) => `exp-${i}:1:v`);
    await keepArms(post, store(), JK, arms);
    const value = (post.mock.calls[0] as unknown as [string, { attributes: { _moments_arms: string } }])[1].attributes
      ._moments_arms;
    expect(value.split(" ")).toHaveLength(ARMS_MAX + 1);
    expect(Object.keys(storefrontArms(value, JK)!)).toHaveLength(ARMS_MAX);
  });

  it("GIVEN another journey's arms kept in this browser WHEN the journey key changed THEN they are dropped, and a failed write never throws", async () => {
    const post = vi.fn(async () => {
      throw new Error("offline");
    });
    const s = store({ moments_arms: "old-journey-key exp-a:1:v1" });
    expect(await keepArms(post, s, JK, ["exp-b:1:v2"])).toBe(false);
    expect(s.m.get("moments_arms")).toBe(`${JK} exp-b:1:v2`);
  });
});
