"""Reference values for @moments/stats, computed with SciPy.

Run: python3 packages/stats/test/reference/generate.py  (Debian: apt-get install python3-scipy)
Writes reference.json beside this file. CI only reads the JSON; it never needs SciPy.
"""
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import integrate, optimize, stats

out = {
    "source": f"SciPy {scipy.__version__} (NumPy {np.__version__}), Python {sys.version.split()[0]}; "
    "script packages/stats/test/reference/generate.py",
}

out["normal"] = [
    {"z": z, "cdf": float(stats.norm.cdf(z)), "sf": float(stats.norm.sf(z))}
    for z in [-8.5, -5, -3.2, -1.959963984540054, -1, -0.25, 0, 0.3, 1.2, 2.5, 4, 6.1, 9]
]
out["normalQuantile"] = [
    {"p": p, "q": float(stats.norm.ppf(p))}
    for p in [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-9]
]
out["studentT"] = [
    {"t": t, "df": df, "sf": float(stats.t.sf(t, df)), "cdf": float(stats.t.cdf(t, df))}
    for t, df in [(-3, 1), (0.5, 1), (2, 2), (1.3, 3.7), (-2.2, 7), (2.5, 12.34), (0.1, 30), (4, 58.9), (-1.7, 250), (6, 1000)]
]
out["studentTQuantile"] = [
    {"p": p, "df": df, "q": float(stats.t.ppf(p, df))}
    for p, df in [(0.975, 1), (0.975, 2), (0.95, 3.7), (0.99, 7), (0.025, 12.34), (0.975, 30), (0.9995, 58.9), (0.6, 250), (0.975, 1e4)]
]

out["wilson"] = []
for x, n, conf in [(0, 10, 0.95), (1, 10, 0.95), (5, 10, 0.95), (10, 10, 0.95), (37, 1000, 0.95), (123, 4567, 0.9), (999, 1000, 0.99), (50000, 1000000, 0.95)]:
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=conf, method="wilson")
    out["wilson"].append({"x": x, "n": n, "confidence": conf, "lower": float(ci.low), "upper": float(ci.high)})

# Difference of proportions: the pooled z test equals Pearson's chi-square on the 2x2 table;
# the Wald interval uses the unpooled standard error and scipy's normal quantile.
out["diffProportions"] = []
for x1, n1, x2, n2 in [(120, 1000, 100, 1000), (30, 250, 45, 260), (5, 80, 1, 90), (4012, 50000, 3890, 49800)]:
    chi2, p, _, _ = stats.chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
    p1, p2 = x1 / n1, x2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    q = stats.norm.ppf(0.975)
    out["diffProportions"].append({
        "x1": x1, "n1": n1, "x2": x2, "n2": n2,
        "absZ": math.sqrt(chi2), "pValue": float(p),
        "lower": p1 - p2 - q * se, "upper": p1 - p2 + q * se,
    })

# Welch: scipy.stats.ttest_ind(equal_var=False) on seeded samples (zero-inflated revenue-like data).
rng = np.random.default_rng(20261124)
out["welch"] = []
for n1, n2, conv, mu1, mu2 in [(40, 55, 1.0, 50, 48), (300, 280, 0.3, 60, 55), (1500, 1600, 0.05, 4.0, 4.1), (12, 9, 1.0, 10, 14)]:
    a = np.round(rng.binomial(1, conv, n1) * rng.lognormal(math.log(mu1), 0.6, n1) * 100)
    b = np.round(rng.binomial(1, conv, n2) * rng.lognormal(math.log(mu2), 0.6, n2) * 100)
    r = stats.ttest_ind(a, b, equal_var=False)
    ci = r.confidence_interval(0.95)
    out["welch"].append({
        "a": a.tolist(), "b": b.tolist(),
        "t": float(r.statistic), "pValue": float(r.pvalue), "df": float(r.df),
        "lower": float(ci.low), "upper": float(ci.high),
    })

# mSPRT normal mixture: the likelihood ratio by numerical integration of the mixture (not the closed
# form the package uses), and the confidence sequence's half-width by root finding on it.
def mixture_lr(theta, v, tau2, theta0=0.0):
    # Integrand in log space; the posterior of the true difference locates the mass.
    m = theta0 + tau2 * (theta - theta0) / (v + tau2)
    sd = math.sqrt(v * tau2 / (v + tau2))
    def integrand(t):
        return math.exp(((t - theta0) * (theta - theta0) - (t - theta0) ** 2 / 2) / v + stats.norm.logpdf(t, theta0, math.sqrt(tau2)))
    val, _ = integrate.quad(integrand, m - 40 * sd, m + 40 * sd, epsabs=0, epsrel=1e-13, limit=500, points=[m])
    return val

out["msprt"] = []
for theta, v, tau2, alpha in [(0.01, 0.0001, 0.0001, 0.05), (0.002, 0.00004, 0.000025, 0.05), (-3.5, 4.0, 9.0, 0.05), (120.0, 900.0, 2500.0, 0.1), (0.0, 1.0, 1.0, 0.05)]:
    lr = mixture_lr(theta, v, tau2)
    half = optimize.brentq(lambda d: mixture_lr(theta, v, tau2, theta - d) - 1 / alpha, 1e-12, 10 * math.sqrt(v * (v + tau2) / tau2), xtol=1e-14, rtol=1e-14)
    out["msprt"].append({"theta": theta, "variance": v, "tau2": tau2, "alpha": alpha, "lambda": lr, "pValue": min(1.0, 1 / lr), "halfWidth": half})

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote reference.json")
