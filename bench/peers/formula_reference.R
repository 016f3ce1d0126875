# Reference numbers from R's lm for formulas on R's own data sets: missing
# values (na.omit), factors with treatment coding, interactions, logs,
# offset(), and orthogonal and raw poly().
#
# Writes internal/cli/testdata/rdata/: each data set as R's write.csv
# writes it (NA cells as "NA", text columns quoted, no row names), and
# formulas.json with, for each case, the formula, the number of rows lm
# used, the coefficient names as R prints them, the coefficients, their
# standard errors, the fitted values and predict(fit, newdata = the whole
# file) (null where an input is missing), all to 17 significant digits.
# The Go tests need no R.
#
# Run from the repository root (Debian: apt-get install r-base-core):
#
#     Rscript bench/peers/formula_reference.R
out <- "internal/cli/testdata/rdata"

to_json <- function(v) {
  if (is.null(v)) return("null")
  if (is.list(v) && !inherits(v, "AsIs")) {
    if (!is.null(names(v))) {
      return(paste0("{", paste0('"', names(v), '": ', vapply(v, to_json, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste0(vapply(v, to_json, ""), collapse = ",\n"), "]"))
  }
  f <- if (is.character(v)) function(s) paste0('"', gsub('"', '\\\\"', s), '"')
       else function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
  s <- vapply(unclass(v), f, "")
  if (length(v) == 1 && !inherits(v, "AsIs")) s else paste0("[", paste0(s, collapse = ", "), "]")
}

sets <- list(airquality = airquality, iris = iris, mtcars = mtcars, trees = trees, cars = cars)
for (n in names(sets)) write.csv(sets[[n]], file.path(out, paste0(n, ".csv")), row.names = FALSE)

cases <- list(
  list("airquality", "Ozone ~ Solar.R + Wind + Temp"),
  list("iris", "Sepal.Length ~ Species + Petal.Length"),
  list("iris", "Sepal.Length ~ Species * Petal.Length"),
  list("iris", "Sepal.Length ~ Petal.Length + relevel(Species, ref = \"virginica\")"),
  list("iris", "Sepal.Length ~ Species - 1"),
  list("mtcars", "mpg ~ factor(cyl) + wt"),
  list("mtcars", "mpg ~ ."),
  list("trees", "log(Volume) ~ log(Girth) + log(Height)"),
  list("trees", "log(Volume) ~ log(Girth) + offset(2 * log(Height))"),
  list("mtcars", "mpg ~ poly(wt, 2)"),
  list("mtcars", "mpg ~ poly(wt, 2, raw = TRUE)"),
  list("cars", "dist ~ speed + I(speed^2)")
)
res <- lapply(cases, function(cs) {
  d <- read.csv(file.path(out, paste0(cs[[1]], ".csv")), stringsAsFactors = TRUE)
  fit <- lm(as.formula(cs[[2]]), data = d)
  st <- summary(fit)$coefficients
  r <- list(data = paste0(cs[[1]], ".csv"), formula = cs[[2]], nobs = nobs(fit),
            dropped = nrow(d) - nobs(fit), names = I(names(coef(fit))),
            coef = I(unname(coef(fit))), se = I(unname(st[, 2])),
            fitted = I(unname(fitted(fit))),
            predict = I(unname(predict(fit, newdata = d))))
  p <- grep("^poly\\(", attr(terms(fit), "term.labels"), value = TRUE)
  if (length(p) == 1 && !grepl("raw", p)) {
    cf <- attr(eval(parse(text = p), d), "coefs")
    r$poly_alpha <- I(cf$alpha)
    r$poly_norm2 <- I(cf$norm2)
  }
  r
})
writeLines(to_json(list(r_version = R.version.string, cases = res)), file.path(out, "formulas.json"))
