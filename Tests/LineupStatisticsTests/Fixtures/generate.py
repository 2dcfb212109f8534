#!/usr/bin/env python3
"""Reference values for LineupStatistics, computed by SciPy and statsmodels.

Writes statistics.json beside this script; StatisticsFixtureTests asserts every value to
1e-6. Regenerate with:

    pip install scipy statsmodels
    python3 Tests/LineupStatisticsTests/Fixtures/generate.py
"""
import json
import pathlib

import numpy as np
import scipy
import statsmodels
from scipy import integrate, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

rng = np.random.default_rng(20261122)
out = {"versions": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "numpy": np.__version__}}

out["normal_cdf"] = [{"x": x, "cdf": float(stats.norm.cdf(x))} for x in [-8, -5, -3.3, -1.96, -1, -0.1, 0, 0.5, 1.644853, 2.5, 4, 7]]
out["normal_quantile"] = [{"p": p, "x": float(stats.norm.ppf(p))}
                          for p in [1e-10, 1e-5, 0.001, 0.01, 0.0243, 0.025, 0.2, 0.5, 0.7, 0.975, 0.98, 0.999, 1 - 1e-7]]
out["t_cdf"] = [{"t": t, "df": df, "cdf": float(stats.t.cdf(t, df))}
                for t, df in [(-4, 2.5), (-2, 10), (-0.3, 1), (0, 7), (0.5, 3.3), (1.5, 30), (2.1, 118.7), (3, 1000), (6, 4.2), (-10, 50)]]
out["t_quantile"] = [{"p": p, "df": df, "t": float(stats.t.ppf(p, df))}
                     for p, df in [(0.975, 1), (0.975, 2.7), (0.975, 10), (0.975, 57.3), (0.975, 5000), (0.025, 12), (0.9, 4), (0.999, 20)]]
out["chi2_survival"] = [{"x": x, "df": df, "sf": float(stats.chi2.sf(x, df))}
                        for x, df in [(0.001, 1), (0.5, 1), (3.84, 1), (10.83, 1), (25, 1), (2, 2), (7, 3), (0.3, 4), (40, 5), (80, 2)]]

proportions = []
counts = [(120, 1000, 145, 1000), (50, 400, 52, 410), (3000, 25000, 3150, 25100), (9, 60, 17, 58), (700, 1000, 720, 1000),
          (10, 10000, 25, 10000), (480, 5000, 500, 4800), (1, 30, 6, 31), (22000, 200000, 22600, 200000), (333, 999, 300, 1001)]
for _ in range(20):
    n_a, n_b = int(rng.integers(50, 50000)), int(rng.integers(50, 50000))
    p = rng.uniform(0.02, 0.9)
    counts.append((int(rng.binomial(n_a, p)), n_a, int(rng.binomial(n_b, p * rng.uniform(0.9, 1.15))), n_b))
for x_a, n_a, x_b, n_b in counts:
    diff_low, diff_high = confint_proportions_2indep(x_b, n_b, x_a, n_a, compare="diff", method="wald")
    ratio_low, ratio_high = confint_proportions_2indep(x_b, n_b, x_a, n_a, compare="ratio", method="log")
    z, p_value = proportions_ztest([x_b, x_a], [n_b, n_a])
    proportions.append({
        "control": [x_a, n_a], "treatment": [x_b, n_b],
        "difference": x_b / n_b - x_a / n_a, "difference_lower": float(diff_low), "difference_upper": float(diff_high),
        "relative_lift": (x_b / n_b) / (x_a / n_a) - 1, "relative_lower": float(ratio_low) - 1,
        "relative_upper": float(ratio_high) - 1, "z": float(z), "p_value": float(p_value)})
out["proportions"] = proportions

welch = []
for index in range(20):
    n_a, n_b = int(rng.integers(2, 400)), int(rng.integers(2, 400))
    a = rng.beta(1 + index % 3, 6, n_a).round(6)
    b = (rng.beta(1 + index % 3, 6, n_b) * rng.uniform(0.8, 1.3)).round(6)
    result = stats.ttest_ind(b, a, equal_var=False)
    low, high = result.confidence_interval(0.95)
    welch.append({"control": a.tolist(), "treatment": b.tolist(), "difference": float(b.mean() - a.mean()),
                  "lower": float(low), "upper": float(high), "t": float(result.statistic), "df": float(result.df),
                  "p_value": float(result.pvalue)})
out["welch"] = welch

ratios = []
for index in range(10):
    n = int(rng.integers(2, 2000))
    requests = rng.integers(1, 30, n).astype(float)
    engaged = rng.binomial(requests.astype(int), rng.uniform(0.05, 0.6, n)).astype(float)
    mean_n, mean_d = engaged.mean(), requests.mean()
    ratio = mean_n / mean_d
    cov = np.cov(engaged, requests, ddof=1)
    variance = (cov[0, 0] - 2 * ratio * cov[0, 1] + ratio ** 2 * cov[1, 1]) / (n * mean_d ** 2)
    se = float(np.sqrt(max(variance, 0)))
    z = float(stats.norm.ppf(0.975))
    ratios.append({"numerators": engaged.tolist(), "denominators": requests.tolist(), "ratio": float(ratio),
                   "standard_error": se, "lower": float(ratio) - z * se, "upper": float(ratio) + z * se})
out["ratios"] = ratios

ratio_comparisons = []
for index in range(0, len(ratios) - 1, 2):
    control, treatment = ratios[index], ratios[index + 1]
    difference = treatment["ratio"] - control["ratio"]
    spread = float(np.hypot(control["standard_error"], treatment["standard_error"]))
    z_value = difference / spread
    q = float(stats.norm.ppf(0.975))
    ratio_comparisons.append({"control": index, "treatment": index + 1, "difference": difference,
                              "lower": difference - q * spread, "upper": difference + q * spread, "z": z_value,
                              "p_value": float(2 * stats.norm.sf(abs(z_value))),
                              "relative_lift": difference / control["ratio"]})
out["ratio_comparisons"] = ratio_comparisons

srm = []
for observed, weights in [([5000, 5000], [1, 1]), ([5100, 4900], [1, 1]), ([5300, 4700], [1, 1]), ([2500, 7600], [1, 3]),
                          ([100, 210, 690], [0.1, 0.2, 0.7]), ([1, 9], [1, 1]), ([20000, 20600], [1, 1]),
                          ([333, 333, 334], [1, 1, 1]), ([1000, 1100, 900, 1000], [1, 1, 1, 1]), ([50500, 49500], [1, 1])]:
    total = sum(observed)
    expected = [total * w / sum(weights) for w in weights]
    result = stats.chisquare(observed, expected)
    srm.append({"observed": observed, "weights": weights, "chi_square": float(result.statistic), "p_value": float(result.pvalue)})
out["sample_ratio"] = srm


def beta_greater(x, y):
    """P(X > Y) for X ~ Beta(x), Y ~ Beta(y): integral of pdf_X(t) * cdf_Y(t)."""
    mean = x[0] / (x[0] + x[1])
    sd = np.sqrt(x[0] * x[1] / ((x[0] + x[1]) ** 2 * (x[0] + x[1] + 1)))
    low, high = max(0.0, mean - 14 * sd), min(1.0, mean + 14 * sd)
    value, _ = integrate.quad(lambda t: stats.beta.pdf(t, *x) * stats.beta.cdf(t, *y), low, high,
                              epsabs=1e-13, epsrel=1e-12, limit=500)
    return value


bayes = []
for x_a, n_a, x_b, n_b in counts[:16]:
    a = (1 + x_a, 1 + n_a - x_a)
    b = (1 + x_b, 1 + n_b - x_b)
    chance = beta_greater(b, a)
    mean_a, mean_b = a[0] / sum(a), b[0] / sum(b)
    loss = mean_a * beta_greater((a[0] + 1, a[1]), b) - mean_b * beta_greater(a, (b[0] + 1, b[1]))
    bayes.append({"control": [x_a, n_a], "treatment": [x_b, n_b], "chance_to_beat_control": chance,
                  "expected_loss": max(0.0, loss)})
out["bayes"] = bayes

# Wilson score intervals of one rate (RateInterval), including the edges: no trials, none
# and all successful, and rates near 0 and 1.
wilson = []
for successes, trials in [(3, 10), (50, 100), (1, 400), (399, 400), (0, 20), (20, 20), (0, 1), (1, 1), (7, 13),
                          (1234, 5000), (2, 250000)]:
    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    wilson.append({"successes": successes, "trials": trials, "rate": successes / trials, "lower": float(low),
                   "upper": float(high)})
out["wilson"] = wilson

path = pathlib.Path(__file__).with_name("statistics.json")
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}: {sum(len(v) for k, v in out.items() if isinstance(v, list))} cases")
