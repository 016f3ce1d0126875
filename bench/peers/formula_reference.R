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

# --- term labels and the columns' terms -----------------------------------
# Writes formula/testdata/term_labels.json: for formulas on a small data
# frame (stored in the file), R's term labels (attr(terms, "term.labels"),
# the row names of anova(lm)), the term of each column of the model matrix
# (its assign, less one: R's 0 is the intercept) and the column names.
# The formulas exercise R's deparse of the labels (spaces around + - * and
# =, none around / and ^, numbers to 15 digits, backquoted names, double
# quotes) and the order of the factors of an interaction (that of the
# formula's variables, not the written one).
set.seed(1)
small <- data.frame(y = round(rnorm(12, 10), 3), a = c(1:12) + round(runif(12), 2), b = round(rnorm(12, 5), 3),
                    `my col` = round(runif(12), 3), g = factor(rep(c("u", "v", "w"), 4)), check.names = FALSE)
label_formulas <- c(
  "y ~ a + b + b:a + I(a * b) + I(-a^2) + log(abs(b)) + poly(a, 2) + poly(b, 2, raw = T) + `my col` + relevel(g, ref = 'v') + I(a/2 - 1e5) + I(1e-3*a) + I((a+b)*2) + exp(-a/10)",
  "y ~ b:a + a",
  "y ~ g * a - 1",
  "y ~ a + g:b",
  "y ~ a:g + .",
  "y ~ factor(g):b + I(1e-4 * b) + I(123456 * a) + I(0.5 + a)"
)
labels <- lapply(label_formulas, function(f) {
  tt <- terms(as.formula(f), data = small)
  mm <- model.matrix(tt, small)
  asg <- attr(mm, "assign")
  list(formula = f, labels = I(attr(tt, "term.labels")), assign = I(asg[asg > 0] - 1L),
       names = I(colnames(mm)[asg > 0]))
})
data_json <- setNames(lapply(small, function(v) I(if (is.factor(v)) as.character(v) else v)), names(small))
writeLines(to_json(list(r_version = R.version.string, names = I(names(small)), data = data_json, cases = labels)),
           "formula/testdata/term_labels.json")
