# Reference numbers from R's sandwich and lmtest for the clustered and
# Newey-West covariances of package stats.
#
# Writes testdata/stats/robust.json: for each case the data (X, y, weights,
# cluster labels) and what vcovCL or NeweyWest with coeftest report: the
# standard errors, t (or z) statistics and p-values with Student's t on the
# residual degrees of freedom (coeftest's default for lm) and with the
# normal (df = Inf). The Go tests need no R.
#
# Run from the repository root (Debian: apt-get install r-base-core
# r-cran-sandwich r-cran-lmtest):
#
#     Rscript bench/peers/robust_reference.R
#
# Data: the panel is the first 100 firms (1000 rows) of PetersenCL, the
# simulated firm-year panel shipped with sandwich (Petersen 2009); the time
# series is Investment (US investment 1963-1982, Greene), also shipped with
# sandwich, the model of sandwich's vignette RealInv ~ RealGNP + RealInt on
# its 19 complete years.
#
# Conventions checked here and recorded in the JSON:
#  - vcovCL's defaults for an lm are type = "HC1" and cadjust = TRUE, i.e.
#    G/(G-1) * (n-1)/(n-k) times the sum of the clusters' outer products
#    (Stata's CR1); cr1_by_hand is that formula evaluated here, and
#    cr1_matches_default records that vcovCL's default equals it.
#  - NeweyWest's defaults are lag = NULL (bwNeweyWest chooses the
#    bandwidth from the data), prewhite = TRUE (VAR(1) prewhitening) and
#    adjust = FALSE (no n/(n-k) factor). lsq implements the Bartlett kernel
#    with a given lag, no prewhitening, no adjustment: the cases call
#    NeweyWest(fit, lag = L, prewhite = FALSE). The defaults' result is
#    recorded too (nw_defaults_se), not compared.
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})

num <- function(x) if (length(x) == 1 && is.na(x)) "null" else sprintf("%.17g", x)
arr <- function(v) paste0("[", paste0(vapply(as.numeric(v), num, ""), collapse = ", "), "]")
mat_json <- function(m) paste0("[", paste0(apply(m, 1, arr), collapse = ",\n"), "]")
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste0('"', names(kv), '": ', unlist(kv), collapse = ",\n"), "}")
}

tests <- function(fit, v) {
  ct <- coeftest(fit, vcov. = v)
  cz <- coeftest(fit, vcov. = v, df = Inf)
  list(se = arr(ct[, 2]), t = arr(ct[, 3]), p_t = arr(ct[, 4]), p_z = arr(cz[, 4]))
}

case <- function(name, kind, fit, x, y, w, cluster, lag, v, extra = list()) {
  tt <- tests(fit, v)
  fields <- c(list(name = paste0('"', name, '"'), kind = paste0('"', kind, '"'),
                   x = mat_json(as.matrix(x)), y = arr(y),
                   weights = if (is.null(w)) "null" else arr(w),
                   cluster = if (is.null(cluster)) "null" else arr(cluster),
                   lag = num(lag), df_resid = num(fit$df.residual)),
              tt, extra)
  do.call(obj, fields)
}

cases <- list()

# Panel: clustered by firm and, separately, by year; unweighted and weighted.
data("PetersenCL", package = "sandwich")
pan <- PetersenCL[PetersenCL$firm <= 100, ]
pan$w <- 1 + pan$firm %% 3
for (by in c("firm", "year")) {
  for (weighted in c(FALSE, TRUE)) {
    fit <- if (weighted) lm(y ~ x, data = pan, weights = w) else lm(y ~ x, data = pan)
    g <- pan[[by]]
    v <- vcovCL(fit, cluster = g)
    # CR1 by hand: G/(G-1) (n-1)/(n-k) sum_g (X'W e)_g (X'W e)_g' sandwiched by (X'WX)^-1.
    X <- model.matrix(fit)
    ef <- estfun(fit)
    s <- rowsum(ef, g)
    G <- nrow(s)
    n <- nrow(X)
    k <- ncol(X)
    wt <- if (is.null(weights(fit))) rep(1, n) else weights(fit)
    b <- solve(crossprod(X * sqrt(wt)))
    by_hand <- G / (G - 1) * (n - 1) / (n - k) * b %*% crossprod(s) %*% b
    same <- isTRUE(all.equal(unname(v), unname(by_hand), tolerance = 1e-12))
    if (!same) stop("vcovCL default is not CR1 for ", by)
    cases[[length(cases) + 1]] <- case(
      paste0("panel_", by, if (weighted) "_weighted" else ""), "cluster", fit,
      pan$x, pan$y, if (weighted) pan$w else NULL, g, 0, v,
      list(cr1_matches_default = "true", clusters = num(G)))
  }
}

# Time series: Newey-West with lags 1..4, unweighted and weighted.
data("Investment", package = "sandwich")
inv <- as.data.frame(Investment)
inv <- inv[complete.cases(inv[, c("RealInv", "RealGNP", "RealInt")]), ]
inv$w <- seq_len(nrow(inv)) %% 2 + 1
fit0 <- lm(RealInv ~ RealGNP + RealInt, data = inv)
nw_def <- NeweyWest(fit0)
for (lag in 1:4) {
  for (weighted in c(FALSE, TRUE)) {
    fit <- if (weighted) lm(RealInv ~ RealGNP + RealInt, data = inv, weights = w) else fit0
    v <- NeweyWest(fit, lag = lag, prewhite = FALSE)
    cases[[length(cases) + 1]] <- case(
      paste0("investment_nw_lag", lag, if (weighted) "_weighted" else ""), "hac", fit,
      inv[, c("RealGNP", "RealInt")], inv$RealInv, if (weighted) inv$w else NULL, NULL, lag, v,
      list(nw_defaults_se = arr(sqrt(diag(nw_def))), nw_defaults_bandwidth = num(bwNeweyWest(fit0))))
  }
}

out <- paste0("{\"r_version\": \"", R.version.string, "\", \"sandwich\": \"",
              as.character(packageVersion("sandwich")), "\",\n\"cases\": [",
              paste0(unlist(cases), collapse = ",\n"), "]}\n")
writeLines(out, "testdata/stats/robust.json", sep = "")
