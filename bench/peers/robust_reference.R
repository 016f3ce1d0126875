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
#  - NeweyWest's defaults are lag = NULL (the lag is floor(bwNeweyWest(fit,
#    prewhite = prewhite)), the bandwidth of Newey & West 1994 for the
#    Bartlett kernel), prewhite = TRUE (VAR(1) prewhitening of the
#    estimating functions, Andrews & Monahan 1992) and adjust = FALSE (no
#    n/(n-k) factor). The "hac" cases give the lag and no prewhitening:
#    NeweyWest(fit, lag = L, prewhite = FALSE). The "nw" cases cover the
#    rest: NeweyWest(fit) (both defaults), NeweyWest(fit, prewhite = FALSE)
#    (automatic lag only) and NeweyWest(fit, lag = 3, prewhite = TRUE), each
#    recording the lag used and, for the automatic lag, the bandwidth
#    bwNeweyWest(fit, prewhite = ...). The script stops unless
#    NeweyWest(fit, prewhite = pw) equals NeweyWest(fit, lag =
#    floor(bandwidth), prewhite = pw) exactly (the lag is the floor of the
#    bandwidth) and unless every bandwidth is at least 1e-6 from an
#    integer (so that a last-digit difference cannot change the lag).
#  - The "nw" cases use Investment and a simulated series with AR(1)
#    regressor and AR(1) errors (n = 200, seed fixed here; its data are in
#    the JSON), unweighted, weighted (sandwich's estfun for a weighted lm
#    is w_i r_i x_i, its bwNeweyWest and VAR act on those rows) and, for
#    the simulated series, without intercept (bwNeweyWest then weights
#    every coefficient 1 instead of 0 for the intercept), and a short
#    series (n = 12) whose automatic lag exceeds n.
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

case <- function(name, kind, fit, x, y, w, cluster, lag, v, extra = list(), intercept = TRUE) {
  tt <- tests(fit, v)
  fields <- c(list(name = paste0('"', name, '"'), kind = paste0('"', kind, '"'),
                   x = mat_json(as.matrix(x)), y = arr(y),
                   weights = if (is.null(w)) "null" else arr(w),
                   cluster = if (is.null(cluster)) "null" else arr(cluster),
                   lag = num(lag), df_resid = num(fit$df.residual),
                   intercept = if (intercept) "true" else "false"),
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
for (lag in 1:4) {
  for (weighted in c(FALSE, TRUE)) {
    fit <- if (weighted) lm(RealInv ~ RealGNP + RealInt, data = inv, weights = w) else lm(RealInv ~ RealGNP + RealInt, data = inv)
    v <- NeweyWest(fit, lag = lag, prewhite = FALSE)
    cases[[length(cases) + 1]] <- case(
      paste0("investment_nw_lag", lag, if (weighted) "_weighted" else ""), "hac", fit,
      inv[, c("RealGNP", "RealInt")], inv$RealInv, if (weighted) inv$w else NULL, NULL, lag, v)
  }
}

# Simulated series: x1 and the errors AR(1) (coefficients 0.8 and 0.7),
# x2 white noise, y = 1 + 0.5 x1 - 0.3 x2 + e; weights 1, 2, 3 in turn.
set.seed(20261203)
nar <- 200
ar1 <- function(phi, n) as.numeric(stats::filter(rnorm(n), phi, method = "recursive"))
sim <- data.frame(x1 = ar1(0.8, nar), x2 = rnorm(nar), e = ar1(0.7, nar))
sim$y <- 1 + 0.5 * sim$x1 - 0.3 * sim$x2 + sim$e
sim$w <- seq_len(nar) %% 3 + 1

# NeweyWest's defaults and their parts, automatic lag and prewhitening.
nw_cases <- function(prefix, fml, dat, xcols, ycol, intercept) {
  for (weighted in c(FALSE, TRUE)) {
    fit <- if (weighted) lm(fml, data = dat, weights = w) else lm(fml, data = dat)
    for (spec in list(list(name = "default", lag = NULL, pw = TRUE),
                      list(name = "auto_noprewhite", lag = NULL, pw = FALSE),
                      list(name = "lag3_prewhite", lag = 3, pw = TRUE))) {
      v <- NeweyWest(fit, lag = spec$lag, prewhite = spec$pw)
      bw <- NA
      lag <- spec$lag
      if (is.null(lag)) {
        bw <- bwNeweyWest(fit, prewhite = spec$pw)
        lag <- floor(bw)
        if (!identical(v, NeweyWest(fit, lag = lag, prewhite = spec$pw)))
          stop("NeweyWest's lag is not floor(bwNeweyWest) for ", prefix, " ", spec$name)
        if (min(bw - lag, lag + 1 - bw) < 1e-6)
          stop("bandwidth ", bw, " within 1e-6 of an integer for ", prefix, " ", spec$name)
      }
      cases[[length(cases) + 1]] <<- case(
        paste0(prefix, "_", spec$name, if (weighted) "_weighted" else ""), "nw", fit,
        dat[, xcols], dat[[ycol]], if (weighted) dat$w else NULL, NULL, lag, v,
        list(prewhite = if (spec$pw) "true" else "false",
             lag_auto = if (is.null(spec$lag)) "true" else "false",
             bandwidth = num(bw)),
        intercept = intercept)
    }
  }
}
nw_cases("investment", RealInv ~ RealGNP + RealInt, inv, c("RealGNP", "RealInt"), "RealInv", TRUE)
nw_cases("ar1", y ~ x1 + x2, sim, c("x1", "x2"), "y", TRUE)
nw_cases("ar1_noint", y ~ x1 + x2 - 1, sim, c("x1", "x2"), "y", FALSE)
# A short trending series whose automatic lag without prewhitening (21)
# exceeds n = 12: NeweyWest keeps the kernel weights 1 - l/22 and uses the
# first n of them (its warning says so).
short <- data.frame(x1 = 1:12, x2 = cos(1:12),
                    y = c(2.1, 3.9, 6.2, 7.8, 10.3, 11.9, 14.2, 15.8, 18.1, 20.3, 21.7, 24.4))
short$w <- seq_len(12) %% 3 + 1
suppressWarnings(nw_cases("short", y ~ x1 + x2, short, c("x1", "x2"), "y", TRUE))

out <- paste0("{\"r_version\": \"", R.version.string, "\", \"sandwich\": \"",
              as.character(packageVersion("sandwich")), "\",\n\"cases\": [",
              paste0(unlist(cases), collapse = ",\n"), "]}\n")
writeLines(out, "testdata/stats/robust.json", sep = "")
