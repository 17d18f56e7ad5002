import type { PrismaClient } from "@prisma/client";
import { mulberry32, normalDraw } from "@moments/stats";

/**
 * ExperimentDaily rows for one arm over consecutive days, as the roll-up writes them: visitors who
 * convert at `conversion` with orders around `orderMinor`, and the cart as a covariate for all.
 */
export async function seedArmDays(
  prisma: PrismaClient,
  p: { shopId: string; experimentId: string; offerId: string; version: number; arm: string; firstDay: string; days: number; visitorsPerDay: number; conversion: number; orderMinor: number; seed: number },
): Promise<void> {
  const random = mulberry32(p.seed);
  const start = Date.parse(`${p.firstDay}T00:00:00Z`);
  const data = [];
  for (let d = 0; d < p.days; d++) {
    const row = { visitors: p.visitorsPerDay, converters: 0, orders: 0, revenueMinor: 0, revenueSq: 0, orderValueSq: 0, covariateN: p.visitorsPerDay, covariateSum: 0, covariateSq: 0, crossSum: 0 };
    for (let i = 0; i < p.visitorsPerDay; i++) {
      const cart = Math.round(Math.exp(8 + 0.4 * normalDraw(random)));
      const revenue = random() < p.conversion ? Math.max(1, Math.round(p.orderMinor * (1 + 0.2 * normalDraw(random)))) : 0;
      row.covariateSum += cart;
      row.covariateSq += cart * cart;
      row.crossSum += cart * revenue;
      if (revenue > 0) {
        row.converters++;
        row.orders++;
        row.orderValueSq += revenue * revenue;
      }
      row.revenueMinor += revenue;
      row.revenueSq += revenue * revenue;
    }
    data.push({ shopId: p.shopId, experimentId: p.experimentId, version: p.version, offerId: p.offerId, arm: p.arm, day: new Date(start + d * 86400_000).toISOString().slice(0, 10), device: "mobile", country: "DE", segment: "new", ...row });
  }
  await prisma.experimentDaily.createMany({ data });
}
