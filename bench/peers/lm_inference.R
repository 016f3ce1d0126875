# Reference numbers from R for the inference after a linear fit: intervals
# on predictions (predict.lm), influence diagnostics (influence.measures,
# rstandard, rstudent, cooks.distance), residual tests (lmtest::dwtest,
# lmtest::bptest) and model comparison (anova.lm), with anova(lm) by the
# terms of formulas on iris and mtcars.
#
# Also the delta-method intervals on predictions of a nonlinear model
# (Michaelis-Menten on Puromycin).
#
# Writes testdata/stats/lm_inference.json. The data sets (mtcars, stackloss)
# ship with R; the rows used are stored in the JSON, so the Go tests need no
# R. Run from the repository root (Debian: apt-get install r-base-core
# r-cran-lmtest):
#
#     Rscript bench/peers/lm_inference.R
#
# predict.lm with weights: the prediction variance of a new row is
# res.var/weights (R's ?predict.lm), so a new row of weight w has
# se² = x₀ᵀV x₀ + σ̂²/w. The weighted fit here uses weights 1/disp·100 and
# predicts rows with their own weights (pred_weights).
#
# influence.measures drops the rows of weight 0 (R's ?lm.influence): the
# weighted stackloss case gives rows 1 and 10 weight 0, and R reports no
# diagnostics for them (null in the JSON, one entry per data row).
suppressPackageStartupMessages(library(lmtest))

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

# full spreads values of the rows R kept (names are row names) over all rows.
full <- function(v, rows) {
  out <- rep(NA_real_, length(rows))
  out[match(names(v), rows)] <- v
  I(out)
}

# --- predict.lm on mtcars -------------------------------------------------
cars <- mtcars[, c("mpg", "wt", "hp", "qsec", "disp")]
newd <- data.frame(wt = c(2.5, 3.2, 4.8, 1.6), hp = c(110, 150, 300, 60),
                   qsec = c(18, 17, 15.5, 20), disp = c(160, 250, 400, 80))
pw <- c(1, 0.5, 2, 4)
predict_case <- function(fit, weights = NULL) {
  out <- list()
  for (kind in c("confidence", "prediction")) {
    for (level in c(0.95, 0.9)) {
      p <- if (kind == "prediction" && !is.null(weights)) {
        predict(fit, newd, interval = kind, level = level, weights = weights)
      } else {
        predict(fit, newd, interval = kind, level = level)
      }
      out[[paste0(kind, "_", level * 100)]] <- list(fit = I(unname(p[, "fit"])), lwr = I(unname(p[, "lwr"])), upr = I(unname(p[, "upr"])))
    }
  }
  out
}
ols <- lm(mpg ~ wt + hp, cars)
wts <- 100 / cars$disp
wls <- lm(mpg ~ wt + hp, cars, weights = wts)
predict_doc <- list(
  features = I(c("wt", "hp")), x = as.matrix(cars[, c("wt", "hp")]), y = I(cars$mpg),
  weights = I(wts), new_x = as.matrix(newd[, c("wt", "hp")]), pred_weights = I(pw),
  ols = predict_case(ols), wls = predict_case(wls, pw)
)

# --- influence on stackloss -----------------------------------------------
influence_case <- function(name, w = NULL) {
  d <- stackloss
  fit <- if (is.null(w)) lm(stack.loss ~ ., d) else lm(stack.loss ~ ., d, weights = w)
  rows <- rownames(d)
  im <- influence.measures(fit)
  inf <- im$infmat
  flag <- apply(im$is.inf, 1, any)
  dfb <- matrix(NA_real_, nrow(d), 4)
  dfb[match(rownames(inf), rows), ] <- inf[, 1:4]
  list(
    name = name, weights = if (is.null(w)) NULL else I(w),
    fitted = I(unname(fitted(fit))), residual = I(unname(residuals(fit))),
    hat = full(hatvalues(fit), rows), rstandard = full(rstandard(fit), rows),
    rstudent = full(rstudent(fit), rows), cooks = full(cooks.distance(fit), rows),
    dffits = full(dffits(fit), rows), covratio = full(covratio(fit), rows),
    dfbetas = dfb,
    influential = I(as.integer(match(names(flag)[flag], rows))),
    # lmtest's tests are for unweighted fits (dwtest refuses weights).
    tests = if (is.null(w)) list(
      dw = unname(dwtest(fit)$statistic),
      bp = unname(bptest(fit)$statistic), bp_p = unname(bptest(fit)$p.value), bp_df = unname(bptest(fit)$parameter)
    ) else NULL
  )
}
w_stack <- rep(1, 21)
w_stack[c(1, 10)] <- 0
w_stack[c(4, 5, 6)] <- c(2, 0.5, 3)
influence_doc <- list(
  features = I(c("Air.Flow", "Water.Temp", "Acid.Conc.")),
  x = as.matrix(stackloss[, 1:3]), y = I(stackloss$stack.loss),
  cases = list(influence_case("ols"), influence_case("wls_zero_weights", w_stack))
)

# --- anova on nested mtcars models ----------------------------------------
m1 <- lm(mpg ~ wt, cars)
m2 <- lm(mpg ~ wt + hp, cars)
m3 <- lm(mpg ~ wt + hp + qsec, cars)
a <- anova(m1, m2, m3)
s3 <- anova(m3)
wm3 <- lm(mpg ~ wt + hp + qsec, cars, weights = wts)
ws3 <- anova(wm3)
seq_table <- function(s) list(
  terms = I(rownames(s)), df = I(s[["Df"]]), ss = I(s[["Sum Sq"]]), ms = I(s[["Mean Sq"]]),
  f = I(s[["F value"]]), p = I(s[["Pr(>F)"]])
)
anova_doc <- list(
  features = I(c("wt", "hp", "qsec")), x = as.matrix(cars[, c("wt", "hp", "qsec")]), y = I(cars$mpg),
  weights = I(wts),
  models = list(I("wt"), I(c("wt", "hp")), I(c("wt", "hp", "qsec"))),
  nested = list(res_df = I(a[["Res.Df"]]), rss = I(a[["RSS"]]), df = I(a[["Df"]]),
                ss = I(a[["Sum of Sq"]]), f = I(a[["F"]]), p = I(a[["Pr(>F)"]])),
  sequential = seq_table(s3),
  sequential_weighted = seq_table(ws3),
  printed_nested = I(capture.output(print(a))),
  printed_sequential = I(capture.output(print(s3)))
)

# --- anova(lm) by terms, on formulas ------------------------------------------
# One row per term of the formula (R finds a term's columns from the
# model matrix's assign): a factor, poly(), an interaction, a factor under
# no intercept, weights, a term that loses a column to aliasing (the
# cyl x gear cell 8/4 of mtcars is empty: 3 Df, not 4) and a term aliased
# wholly (I(2 * wt - 1), left out). The data are the CSV files that
# formula_reference.R writes from R's iris and mtcars, so that lsq reads
# the same numbers; x is the model matrix without its intercept column and
# assign its columns' terms counted from 0 (R's assign less one).
rdata <- "internal/cli/testdata/rdata"
term_cases <- list(
  list("iris.csv", "Sepal.Length ~ Species + Petal.Width", NULL),
  list("iris.csv", "Sepal.Length ~ Species * Petal.Width", NULL),
  list("iris.csv", "Sepal.Length ~ Petal.Width + Species + Species:Petal.Width", NULL),
  list("iris.csv", "Sepal.Length ~ Species + Petal.Width - 1", NULL),
  list("mtcars.csv", "mpg ~ poly(hp, 3) + wt", NULL),
  list("mtcars.csv", "mpg ~ factor(cyl) + poly(hp, 2) + wt:factor(am)", "wt"),
  list("mtcars.csv", "mpg ~ factor(cyl) * factor(gear)", NULL),
  list("mtcars.csv", "mpg ~ log(hp) + I(wt^2) + wt + I(2 * wt - 1)", NULL)
)
anova_terms <- lapply(term_cases, function(cs) {
  d <- read.csv(file.path(rdata, cs[[1]]), stringsAsFactors = TRUE)
  w <- if (is.null(cs[[3]])) NULL else d[[cs[[3]]]]
  fit <- lm(as.formula(cs[[2]]), d, weights = w)
  mm <- model.matrix(fit)
  asg <- attr(mm, "assign")
  keep <- asg > 0
  s <- anova(fit)
  list(data = cs[[1]], formula = cs[[2]], weights = if (is.null(cs[[3]])) NULL else cs[[3]],
       intercept = attr(terms(fit), "intercept") == 1,
       x = unname(mm[, keep, drop = FALSE]), y = I(d[[all.vars(as.formula(cs[[2]]))[1]]]),
       w = if (is.null(w)) NULL else I(w),
       names = I(colnames(mm)[keep]), assign = I(asg[keep] - 1L),
       labels = I(attr(terms(fit), "term.labels")),
       table = seq_table(s), printed = I(capture.output(print(s))))
})

# --- delta-method intervals for a nonlinear model --------------------------
# Michaelis-Menten on Puromycin (treated), as investr's predFit computes
# them for nls: the gradient g of the model in the parameters at each new
# concentration (deriv(), exact), se² = gᵀ vcov(fit) g (+ σ̂² for a
# prediction interval), fit ∓ qt((1 + level)/2, df)·se. nls is run to a
# tight tolerance (1e-9 on the relative-offset criterion). Rounding can
# hold that criterion at about 2e-9 (R 4.2.2 on x86-64 does, from the
# 10th iteration on); warnOnly makes nls return its last iterate, the
# optimum to about 1e-9 relative, with a warning instead of stopping.
pur <- subset(Puromycin, state == "treated")
nfit <- nls(rate ~ Vm * conc / (K + conc), pur, start = list(Vm = 200, K = 0.05),
            control = nls.control(tol = 1e-9, maxiter = 200, minFactor = 1e-10, warnOnly = TRUE))
new_conc <- c(0.01, 0.05, 0.2, 1.5)
grad <- attr(eval(deriv(~ Vm * conc / (K + conc), c("Vm", "K")),
                  c(as.list(coef(nfit)), list(conc = new_conc))), "gradient")
fit_n <- drop(predict(nfit, data.frame(conc = new_conc)))
se_conf <- sqrt(rowSums((grad %*% vcov(nfit)) * grad))
se_pred <- sqrt(se_conf^2 + sigma(nfit)^2)
q <- qt(0.975, df.residual(nfit))
nls_doc <- list(
  model = "Vm*conc/(K+conc)", conc = I(pur$conc), rate = I(pur$rate), new_conc = I(new_conc),
  coef = as.list(coef(nfit)), sigma = sigma(nfit), df = df.residual(nfit),
  fit = I(fit_n), conf_lwr = I(fit_n - q * se_conf), conf_upr = I(fit_n + q * se_conf),
  pred_lwr = I(fit_n - q * se_pred), pred_upr = I(fit_n + q * se_pred)
)

doc <- list(
  generator = "bench/peers/lm_inference.R",
  source = paste0(R.version.string, ", lmtest ", packageVersion("lmtest")),
  predict = predict_doc, influence = influence_doc, anova = anova_doc,
  anova_terms = anova_terms, nls = nls_doc
)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "testdata/stats/lm_inference.json"
writeLines(to_json(doc), out)
