import { describe, expect, it, vi } from "vitest";
import { tagCart } from "../src/journey";

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
