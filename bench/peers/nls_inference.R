# Reference numbers from R's nls for package nls and lsq curve: parameters
# on a bound (algorithm = "port"), profile-likelihood intervals
# (confint.nls) and self-starting models (getInitial).
#
# Writes nls/testdata/r_inference.json. The data (R's Puromycin, DNase,
# Loblolly and ChickWeight, and a small decay series) are stored in the
# JSON, so the Go tests need no R.
#
# Run from the repository root (Debian: apt-get install r-base-core
# r-cran-mass):
#
#     Rscript bench/peers/nls_inference.R
#
# Three kinds of numbers, because R's own stopping rules limit some:
#  - bounded: summary() of nls(..., algorithm = "port") with a bound that is
#    active at the solution (port_coef, port_se: R's default tolerances),
#    and the same formulas at the tightly converged point (see below).
#  - profile: confint() of the unbounded fit, which (MASS's
#    confint.profile.nls, R >= 4.4 stats' confint.nls) interpolates the
#    profile t statistic tau by a spline through about a dozen points: only
#    a few digits. exact_profile holds the roots of tau(theta) = qt(a, df)
#    found here with uniroot (tol 1e-13) on the profile sum of squares
#    (see prof_rss): the same definition, evaluated to the precision R can
#    give.
#  - selfstart: getInitial() with R's defaults, whose final plinear fit on
#    the averaged data (sortedXyData) stops at R's default tolerance
#    (relative offset 1e-5); initial_tight repeats R's procedure step by step
#    with the last fit converged tightly (see tight), and fit is nls() from the tight
#    values on all the rows, converged likewise, with its standard errors.
suppressPackageStartupMessages(library(MASS))

# NA and infinite values (unbounded sides) are null.
num <- function(x) if (length(x) == 1 && !is.finite(x)) "null" else sprintf("%.17g", x)
arr <- function(v) paste0("[", paste0(vapply(as.numeric(v), num, ""), collapse = ", "), "]")
str <- function(s) paste0('"', s, '"')
strs <- function(v) paste0("[", paste0(vapply(v, str, ""), collapse = ", "), "]")
obj <- function(kv) paste0("{", paste0('"', names(kv), '": ', unlist(kv), collapse = ",\n"), "}")

# tol 1e-8 is about the smallest relative offset (Bates & Watts) that nls's
# float64 convergence criterion reaches on these problems (1e-10 fails with
# "number of iterations exceeded"); the Gauss-Newton step at that point is
# below 1e-9 of the standard errors, so the parameters are converged to
# about 1e-12 and more.
# warnOnly: where the criterion stalls above tol (its float64 floor on
# some of these problems), the last iterate is kept and polished.
tight <- nls.control(maxiter = 1000, tol = 1e-8, minFactor = 1e-12, warnOnly = TRUE)
# At that point the parameters can still be off by a few 1e-10 relative;
# polish takes ten more Gauss-Newton steps (nlsModel's incr(), the step
# nls itself takes), which brings them to the rounding level, provided the
# model supplies its gradient: with nls's default finite-difference
# gradient the steps themselves are noise of order 1e-10. Every fit below
# therefore uses an analytic gradient (deriv(), or the selfStart models'
# own); on the decay fit this gives k = 0.45511210939008329, the root of its
# score equation found by uniroot.
# final_step records the largest relative size of the next step after
# polishing: the distance from the optimum, in units of the parameters.
polish <- function(fm) {
  for (i in 1:10) fm$m$setPars(fm$m$getPars() + fm$m$incr())
  fm
}
final_step <- function(fm) max(abs(fm$m$incr() / fm$m$getPars()))

fit_fields <- function(fm) {
  sm <- summary(fm)
  co <- sm$coefficients
  list(names = strs(rownames(co)), coef = arr(co[, 1]), se = arr(co[, 2]),
       t = arr(co[, 3]), p = arr(co[, 4]), sigma = num(sm$sigma), df = num(sm$df[2]),
       final_step = num(final_step(fm)))
}

cases <- list()

# --- bounded ---------------------------------------------------------------
# port_* are summary() of the port fit with R's default tolerances (tighter
# ones end in "singular convergence" at the bound); the exact numbers fix the
# bound parameter at its bound, fit the others with nls (see tight) and
# evaluate summary.nls's formulas (s^2 (J'J)^-1 with J the analytic gradient
# of all the parameters, df = n - p) at that point.
bounded <- function(name, model, form, xname, d, yname, start, lower, upper, bound_par, fixed_form) {
  fm <- nls(form, d, start = start, algorithm = "port", lower = lower, upper = upper)
  sm <- summary(fm)$coefficients
  names(lower) <- names(upper) <- names(start)
  bval <- if (is.finite(upper[[bound_par]])) upper[[bound_par]] else lower[[bound_par]]
  others <- setdiff(names(start), bound_par)
  env <- d
  env[[bound_par]] <- bval
  fd <- deriv(form[[3]], others, function.arg = c(names(start), xname))
  rhs <- as.call(c(list(quote(fd)), lapply(c(names(start), xname), as.name)))
  ff <- polish(suppressWarnings(nls(as.formula(call("~", as.name(yname), rhs)), env, start = start[others], control = tight)))
  par <- start
  par[others] <- coef(ff)[others]
  par[bound_par] <- bval
  g <- deriv(form[[3]], names(start), function.arg = c(names(start), xname))
  args <- c(as.list(par), setNames(list(d[[xname]]), xname))
  v <- do.call(g, args)
  J <- attr(v, "gradient")
  r <- d[[yname]] - as.numeric(v)
  n <- length(r)
  p <- length(start)
  s <- sqrt(sum(r^2) / (n - p))
  se <- s * sqrt(diag(solve(crossprod(J))))
  tv <- par / se
  obj(list(
    name = str(name), kind = str("bounded"), model = str(model), x = str(xname),
    xs = arr(d[[xname]]), y = arr(d[[yname]]),
    lower = arr(lower), upper = arr(upper), start = arr(start),
    names = strs(names(start)), coef = arr(par), se = arr(se), t = arr(tv),
    p = arr(2 * pt(abs(tv), n - p, lower.tail = FALSE)), sigma = num(s), df = num(n - p),
    port_coef = arr(sm[, 1]), port_se = arr(sm[, 2])))
}
pur <- Puromycin[Puromycin$state == "treated", ]
cases[[length(cases) + 1]] <- bounded("puromycin_port_upper_K", "Vm*conc/(K+conc)",
  rate ~ Vm * conc / (K + conc), "conc", pur, "rate", c(Vm = 200, K = 0.05),
  c(-Inf, -Inf), c(Inf, 0.05), "K", rate ~ Vm * conc / (K + conc))
decay <- data.frame(t = 0:7, y = c(5.02, 3.01, 1.84, 1.12, 0.66, 0.41, 0.24, 0.16))
cases[[length(cases) + 1]] <- bounded("decay_port_upper_a", "a*exp(-k*t)",
  y ~ a * exp(-k * t), "t", decay, "y", c(a = 1, k = 0.1),
  c(-Inf, -Inf), c(4.5, Inf), "a", y ~ a * exp(-k * t))

# --- profile ---------------------------------------------------------------
fm <- polish(suppressWarnings(nls(rate ~ SSmicmen(conc, Vm, K), pur, start = c(Vm = 200, K = 0.05), control = tight)))
ci <- suppressMessages(confint(fm))
s2 <- summary(fm)$sigma^2
rss0 <- deviance(fm)
dfr <- df.residual(fm)
# The profile sums of squares: with K fixed, Vm enters linearly (its least
# squares value in closed form); with Vm fixed, K is found by optimize(),
# whose error in K (about 1e-8 relative) changes the minimum sum of squares
# only in its second order, below 1e-15 relative.
mm <- function(k) pur$conc / (k + pur$conc)
prof_rss <- list(
  Vm = function(v) optimize(function(k) sum((pur$rate - v * mm(k))^2), coef(fm)[["K"]] * c(0.2, 5), tol = 1e-14)$objective,
  K = function(k) { f <- mm(k); sum((pur$rate - sum(f * pur$rate) / sum(f^2) * f)^2) })
exact <- sapply(names(prof_rss), function(p) {
  f <- function(v) sign(v - coef(fm)[[p]]) * sqrt((prof_rss[[p]](v) - rss0) / s2)
  se <- summary(fm)$coefficients[p, 2]
  cut <- qt(c(0.025, 0.975), dfr)
  c(uniroot(function(v) f(v) - cut[1], coef(fm)[[p]] + c(-6, -0.1) * se, tol = 1e-13)$root,
    uniroot(function(v) f(v) - cut[2], coef(fm)[[p]] + c(0.1, 6) * se, tol = 1e-13)$root)
})
cases[[length(cases) + 1]] <- obj(c(list(
  name = str("puromycin_profile"), kind = str("profile"),
  model = str("Vm*conc/(K+conc)"), x = str("conc"), xs = arr(pur$conc), y = arr(pur$rate),
  start = arr(c(200, 0.05)), level = num(0.95),
  confint_low = arr(ci[, 1]), confint_high = arr(ci[, 2]),
  exact_low = arr(exact[1, ]), exact_high = arr(exact[2, ])),
  fit_fields(fm)))

# --- self-starting models ----------------------------------------------------
# R's initial functions, their last plinear fit converged tightly.
plin <- function(formula, xy, start) {
  coef(suppressWarnings(nls(formula, data = xy, start = start, algorithm = "plinear", control = tight)))
}
tight_initial <- list(
  SSlogis = function(xy) {
    z <- xy$y; rng <- range(z); dz <- diff(rng)
    z <- (z - rng[1] + 0.05 * dz) / (1.1 * dz)
    xy$z <- log(z / (1 - z))
    aux <- coef(lm(x ~ z, xy))
    p <- plin(y ~ 1 / (1 + exp((xmid - x) / scal)), xy, list(xmid = aux[[1]], scal = aux[[2]]))
    unname(p[c(".lin", "xmid", "scal")])
  },
  SSmicmen = function(xy) {
    p <- as.vector(coef(lm(1 / y ~ I(1 / x), data = xy)))
    p <- plin(y ~ x / (K + x), xy, list(K = abs(p[2] / p[1])))
    unname(p[c(".lin", "K")])
  },
  SSasymp = function(xy) {
    xy$ydiff <- abs(xy$y - stats:::NLSstRtAsymptote.sortedXyData(xy))
    xy <- data.frame(xy)
    lrc <- log(-coef(lm(log(ydiff) ~ x, data = xy))[[2L]])
    p <- plin(y ~ cbind(1 - exp(-exp(lrc) * x), exp(-exp(lrc) * x)), xy, list(lrc = lrc))
    unname(p[c(2, 3, 1)])
  },
  SSgompertz = function(xy) {
    xyL <- xy
    xyL$y <- log(abs(xyL$y))
    xyL$rt <- stats:::NLSstRtAsymptote.sortedXyData(xyL)
    a <- plin(y ~ cbind(1, 1 - exp(-exp(lrc) * x)), xyL,
              list(lrc = log(-coef(lm(log(abs(y - rt)) ~ x, data = xyL))[[2L]])))
    p <- plin(y ~ exp(-b2 * b3^x), xy, c(b2 = a[[3]], b3 = exp(-exp(a[["lrc"]]))))
    unname(p[c(".lin", "b2", "b3")])
  },
  SSfpl = function(xy) {
    rng <- range(xy$y); drng <- diff(rng)
    xy$prop <- (xy$y - rng[1L] + 0.05 * drng) / (1.1 * drng)
    ir <- as.vector(coef(lm(x ~ I(log(prop / (1 - prop))), data = xy)))
    p <- as.vector(plin(y ~ cbind(1, 1 / (1 + exp((xmid - x) / exp(lscal)))), xy,
                        list(xmid = ir[1L], lscal = log(abs(ir[2L])))))
    c(p[3L], p[3L] + p[4L], p[1L], exp(p[2L]))
  })

dnase1 <- DNase[DNase$Run == 1, ]
lob <- Loblolly[Loblolly$Seed == "329", ]
chick1 <- ChickWeight[ChickWeight$Chick == 1, ]
ss <- list(
  list(name = "dnase1_SSlogis", fn = "SSlogis", call = "SSlogis(log(conc), Asym, xmid, scal)",
       x = "conc", xs = dnase1$conc, y = dnase1$density, input = log(dnase1$conc),
       formula = density ~ SSlogis(log(conc), Asym, xmid, scal), data = dnase1),
  list(name = "puromycin_SSmicmen", fn = "SSmicmen", call = "SSmicmen(conc, Vm, K)",
       x = "conc", xs = pur$conc, y = pur$rate, input = pur$conc,
       formula = rate ~ SSmicmen(conc, Vm, K), data = pur),
  list(name = "loblolly329_SSasymp", fn = "SSasymp", call = "SSasymp(age, Asym, R0, lrc)",
       x = "age", xs = lob$age, y = lob$height, input = lob$age,
       formula = height ~ SSasymp(age, Asym, R0, lrc), data = lob),
  list(name = "dnase1_SSgompertz", fn = "SSgompertz", call = "SSgompertz(log(conc), Asym, b2, b3)",
       x = "conc", xs = dnase1$conc, y = dnase1$density, input = log(dnase1$conc),
       formula = density ~ SSgompertz(log(conc), Asym, b2, b3), data = dnase1),
  list(name = "chick1_SSfpl", fn = "SSfpl", call = "SSfpl(Time, A, B, xmid, scal)",
       x = "Time", xs = chick1$Time, y = chick1$weight, input = chick1$Time,
       formula = weight ~ SSfpl(Time, A, B, xmid, scal), data = chick1))
for (c in ss) {
  init <- getInitial(c$formula, data = c$data)
  xy <- sortedXyData(c$input, c$y)
  ti <- tight_initial[[c$fn]](xy)
  names(ti) <- names(init)
  # The last fit again with the model's analytic gradient, polished: the
  # least-squares optimum on the averaged data that plinear approaches.
  ssf <- c$formula
  ssf[[2]] <- quote(y)
  ssf[[3]][[2]] <- quote(x)
  tf <- polish(suppressWarnings(nls(ssf, data = data.frame(x = xy$x, y = xy$y), start = ti, control = tight)))
  ti <- coef(tf)
  ti_step <- final_step(tf)
  fm <- polish(suppressWarnings(nls(c$formula, data = c$data, start = ti, control = tight)))
  cases[[length(cases) + 1]] <- obj(c(list(
    name = str(c$name), kind = str("selfstart"), model = str(c$call), x = str(c$x),
    xs = arr(c$xs), y = arr(c$y), initial = arr(init), initial_tight = arr(ti),
    initial_final_step = num(ti_step)),
    fit_fields(fm)))
}

out <- paste0("{\"r_version\": \"", R.version.string, "\",\n\"cases\": [",
              paste0(unlist(cases), collapse = ",\n"), "]}\n")
writeLines(out, "nls/testdata/r_inference.json", sep = "")
