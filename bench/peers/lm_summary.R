# Reference numbers from R's lm for package stats: zero-weight rows and
# aliased (linearly dependent) columns.
#
# Writes testdata/stats/lm.json: for each case the data (X, y, weights) and
# what summary.lm, confint, logLik, AIC, BIC and nobs report, and for
# HC0-HC3 the sandwich covariance (sandwich::vcovHC) with coeftest, coefci
# and the Wald F test of all slopes. Aliased coefficients are NA in
# R and null in the JSON. The data are generated here (set.seed) and stored
# in the JSON, so the Go tests need no R.
#
# Run from the repository root (Debian: apt-get install r-base-core
# r-cran-sandwich r-cran-lmtest):
#
#     Rscript bench/peers/lm_summary.R
#
# lm.wfit drops the rows of weight 0 before it fits, and nobs, the residual
# degrees of freedom and logLik count only the others; the script checks
# that every summary number equals that of the fit with those rows deleted.
# The robust errors are taken from the fit with the rows deleted: vcovHC on
# the full fit does not give those values (its meat counts every row of the
# model matrix while its bread counts nobs, and HC2/HC3 recycle the
# leverages lm.influence returns for the positive weights only, with a
# warning); robust_full_fit_agrees records, per type, whether the two agree.
#
# For an aliased column R reports NA; dependent marks the coefficients in
# the linear dependence (alias()), whose values depend on the
# parametrisation: R sets the aliased ones to zero, lsq reports the
# minimum-norm solution. The others, and every fitted value, are the same
# in both.
suppressPackageStartupMessages({
  library(sandwich)
  library(lmtest)
})

# A small JSON writer (numbers to 17 significant digits, NA as null), so the
# script needs nothing beyond sandwich and lmtest. Named lists become
# objects, matrices arrays of rows, vectors of length one scalars unless
# wrapped in I().
to_json <- function(v) {
  if (is.null(v)) return("null")
  if (is.list(v) && !inherits(v, "AsIs")) {
    if (!is.null(names(v))) {
      return(paste0("{", paste0('"', names(v), '": ', vapply(v, to_json, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste0(vapply(v, to_json, ""), collapse = ",\n"), "]"))
  }
  if (is.matrix(v)) {
    return(paste0("[", paste0(apply(v, 1, function(r) to_json(I(as.numeric(r)))), collapse = ",\n"), "]"))
  }
  f <- if (is.character(v)) function(s) paste0('"', s, '"')
       else if (is.logical(v)) function(b) if (is.na(b)) "null" else if (b) "true" else "false"
       else function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
  s <- vapply(unclass(v), f, "")
  if (length(v) == 1 && !inherits(v, "AsIs")) s else paste0("[", paste0(s, collapse = ", "), "]")
}

# The summary of fit, one entry per coefficient of the full model
# (intercept first), NA where R reports the coefficient aliased.
lm_summary <- function(fit) {
  cf <- coef(fit)
  tab <- matrix(NA_real_, length(cf), 4, dimnames = list(names(cf), NULL))
  st <- summary(fit)
  tab[rownames(st$coefficients), ] <- st$coefficients
  ci <- confint(fit, level = 0.95)
  fs <- st$fstatistic
  list(
    coef = I(unname(cf)), se = I(tab[, 2]), t = I(tab[, 3]), p = I(tab[, 4]),
    ci_low = I(unname(ci[, 1])), ci_high = I(unname(ci[, 2])),
    aliased = I(unname(is.na(cf))), dependent = I(dependent(fit)),
    sigma = st$sigma, df_resid = fit$df.residual, df_model = unname(fs["numdf"]),
    r2 = st$r.squared, adj_r2 = st$adj.r.squared,
    f = unname(fs["value"]), f_p = unname(pf(fs["value"], fs["numdf"], fs["dendf"], lower.tail = FALSE)),
    loglik = as.numeric(logLik(fit)), aic = AIC(fit), bic = BIC(fit), nobs = nobs(fit),
    fitted = I(unname(fitted(fit)))
  )
}

# dependent marks the coefficients that enter a linear dependence among the
# columns: the aliased ones and those alias() expresses them in.
dependent <- function(fit) {
  cf <- coef(fit)
  dep <- is.na(cf)
  cm <- alias(fit)$Complete
  if (!is.null(cm)) dep[colnames(cm)[colSums(abs(cm)) > 0]] <- TRUE
  unname(dep)
}

# coeftest and coefci use Student's t on the residual degrees of freedom.
robust <- function(fit, type) {
  v <- vcovHC(fit, type = type)
  ct <- coeftest(fit, vcov. = v)
  ci <- coefci(fit, vcov. = v, level = 0.95)
  cf <- coef(fit)
  tab <- matrix(NA_real_, length(cf), 4, dimnames = list(names(cf), NULL))
  tab[rownames(ct), ] <- ct[, 1:4]
  cil <- setNames(rep(NA_real_, length(cf)), names(cf))
  cih <- cil
  cil[rownames(ci)] <- ci[, 1]
  cih[rownames(ci)] <- ci[, 2]
  # The Wald F test of all slopes, b'V^-1 b / q on (q, df) degrees of
  # freedom, as lmtest::waldtest(fit, . ~ 1, vcov = v, test = "F") computes
  # it (waldtest refits through update(), which needs the data in the
  # global environment).
  b <- coef(fit)[!is.na(coef(fit)) & names(coef(fit)) != "(Intercept)"]
  vb <- v[names(b), names(b), drop = FALSE]
  f <- drop(t(b) %*% solve(vb, b)) / length(b)
  list(type = type, se = I(unname(tab[, 2])), t = I(unname(tab[, 3])), p = I(unname(tab[, 4])),
       ci_low = I(unname(cil)), ci_high = I(unname(cih)),
       f = f, f_p = pf(f, length(b), fit$df.residual, lower.tail = FALSE))
}

same <- function(a, b) isTRUE(all.equal(a, b, tolerance = 1e-10))

make_case <- function(name, d, weights = NULL) {
  fit <- if (is.null(weights)) lm(y ~ ., data = d) else lm(y ~ ., data = d, weights = weights)
  keep <- if (is.null(weights)) rep(TRUE, nrow(d)) else weights > 0
  sub <- if (is.null(weights)) fit else lm(y ~ ., data = d[keep, ], weights = weights[keep])
  s <- lm_summary(fit)
  s_sub <- lm_summary(sub)
  s_sub$fitted <- s$fitted <- NULL
  stopifnot(same(s, s_sub)) # R's lm: zero-weight rows are no observations
  full_hc <- lapply(c("HC0", "HC1", "HC2", "HC3"), function(t) tryCatch(robust(fit, t), error = function(e) NULL))
  hc <- lapply(c("HC0", "HC1", "HC2", "HC3"), function(t) robust(sub, t))
  x <- as.matrix(d[, setdiff(names(d), "y")])
  list(
    name = name, features = I(colnames(x)), x = x, y = I(d$y),
    weights = if (is.null(weights)) NULL else I(weights),
    summary = lm_summary(fit), robust = hc,
    robust_full_fit_agrees = I(vapply(seq_along(hc), function(k) same(full_hc[[k]], hc[[k]]), TRUE))
  )
}

set.seed(20260501)

# Weighted, with every fourth row given weight 0 and a y far off the line:
# those rows must change nothing.
n <- 40
x1 <- rnorm(n)
x2 <- runif(n, 0, 10)
x3 <- rnorm(n, 5, 2)
sdv <- 0.5 + 0.3 * abs(x1) + 0.05 * x2
y <- 1.5 + 0.8 * x1 - 0.3 * x2 + 0.1 * x3 + sdv * rnorm(n)
w <- 1 / sdv^2
zero <- seq(3, n, by = 4)
w[zero] <- 0
y[zero] <- y[zero] + 100
wls <- make_case("wls_zero_weights", data.frame(x1 = x1, x2 = x2, x3 = x3, y = y), weights = w)

# Rank-deficient: x3 = x1 + 2·x2 exactly (quarters and small integers, so
# the sum is exact in float64); R's pivoting aliases x3, the last column of
# the dependent set, and x4 is independent of it.
m <- 25
r1 <- round(4 * rnorm(m)) / 4
r2 <- round(runif(m, 0, 8))
r3 <- r1 + 2 * r2
r4 <- rnorm(m)
yr <- 2 + 0.5 * r1 - 0.25 * r2 + 0.7 * r4 + (0.3 + 0.2 * abs(r4)) * rnorm(m)
rankdef <- make_case("ols_rank_deficient", data.frame(x1 = r1, x2 = r2, x3 = r3, x4 = r4, y = yr))

doc <- list(
  generator = "bench/peers/lm_summary.R",
  source = paste0(R.version.string, ", sandwich ", packageVersion("sandwich"),
                  ", lmtest ", packageVersion("lmtest")),
  cases = list(wls, rankdef)
)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "testdata/stats/lm.json"
writeLines(to_json(doc), out)
