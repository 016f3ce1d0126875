# Reference numbers from glmnet for package enet.
#
# Reads testdata/enet/data.csv (written by enet_reference.py) and writes
# testdata/enet/glmnet.json. Run from the repository root:
#
#     Rscript bench/peers/enet_reference.R
#
# glmnet standardises the columns with the 1/n standard deviation (the
# default, standardize = TRUE) and, for family = "gaussian", also scales y by
# its 1/n standard deviation before solving: for the lasso that leaves the
# solution at a given lambda unchanged, but for alpha < 1 lambda then
# corresponds to the objective on y/sd(y) (with weights, the weighted 1/n
# SD). The elastic-net and ridge cases below are therefore fitted to y
# divided by that SD, recorded as y_scale, so glmnet's own scaling is by 1,
# and the Go tests do the same.
suppressPackageStartupMessages(library(glmnet))

# A small JSON writer (numbers to 17 significant digits), so the script
# needs nothing beyond glmnet. Named lists become objects, matrices arrays
# of rows, vectors of length one scalars.
to_json <- function(v) {
  if (is.list(v)) {
    if (!is.null(names(v))) {
      return(paste0("{", paste0('"', names(v), '": ', vapply(v, to_json, ""), collapse = ", "), "}"))
    }
    return(paste0("[", paste0(vapply(v, to_json, ""), collapse = ",\n"), "]"))
  }
  if (is.matrix(v)) {
    return(paste0("[", paste0(apply(v, 1, function(r) to_json(as.numeric(r))), collapse = ",\n"), "]"))
  }
  f <- if (is.character(v)) function(s) paste0('"', s, '"')
       else if (is.logical(v)) function(b) if (b) "true" else "false"
       else function(x) sprintf("%.17g", x)
  s <- vapply(v, f, "")
  if (length(v) == 1) s else paste0("[", paste0(s, collapse = ", "), "]")
}

d <- read.csv("testdata/enet/data.csv")
x <- as.matrix(d[, grep("^x", names(d))])
y <- d$y
w <- d$w
fold <- d$fold
n <- nrow(x)
sdpop <- function(v) sqrt(mean((v - mean(v))^2))
# glmnet scales y by its weighted population SD when there are weights.
sdw <- function(v, w) { w <- w / sum(w); sqrt(sum(w * (v - sum(w * v))^2)) }
ys <- y / sdpop(y)

# Full paths, no early stop on deviance, tight convergence.
glmnet.control(fdev = 0, devmax = 1)
thresh <- 1e-14
maxit <- 1e7

# y_scale: the Go test divides y by it before fitting (1 = y as is).
path_case <- function(name, alpha, y_scale, standardize = TRUE, weights = NULL) {
  args <- list(x = x, y = y / y_scale, family = "gaussian", alpha = alpha, standardize = standardize,
               nlambda = 100, lambda.min.ratio = 1e-3, thresh = thresh, maxit = maxit)
  if (!is.null(weights)) args$weights <- weights
  fit <- do.call(glmnet, args)
  b <- as.matrix(coef(fit))
  list(name = name, l1_ratio = alpha, standardize = standardize, weighted = !is.null(weights),
       y_scale = y_scale, lambda = fit$lambda,
       intercept = unname(b[1, ]), coef = unname(t(b[-1, , drop = FALSE])),
       df = fit$df, dev_ratio = fit$dev.ratio)
}

paths <- list(
  path_case("lasso-std", 1, 1),
  path_case("lasso-raw", 1, 1, standardize = FALSE),
  path_case("lasso-std-weighted", 1, 1, weights = w),
  path_case("enet0.5-std", 0.5, sdpop(y)),
  path_case("enet0.5-raw-weighted", 0.5, sdw(y, w), standardize = FALSE, weights = w)
)

# Ridge at chosen lambdas (glmnet's own ridge lambda_max uses alpha = 1e-3).
# y_scale for the ridge fits is sd_y.
rfit <- glmnet(x, ys, family = "gaussian", alpha = 0, lambda = c(1, 0.1, 0.01),
               thresh = thresh, maxit = maxit)
rb <- as.matrix(coef(rfit))
ridge <- list(lambda = rfit$lambda, intercept = unname(rb[1, ]),
              coef = unname(t(rb[-1, , drop = FALSE])))
rdefault <- glmnet(x, ys, family = "gaussian", alpha = 0, nlambda = 5, thresh = thresh)
ridge$lambda_max_default <- rdefault$lambda[1]

# Cross-validation with the stored folds on the full-data lasso path. The
# lambda sequence is passed explicitly: without it cv.glmnet lets each fold
# compute its own sequence and interpolates the fold's coefficients
# linearly in lambda onto the full-data one, which moves cvm by up to 1e-3
# here; with it every fold is fitted at exactly these lambdas, which is what
# enet.CV does.
lam <- glmnet(x, y, family = "gaussian", alpha = 1, nlambda = 100, lambda.min.ratio = 1e-3,
              thresh = thresh, maxit = maxit)$lambda
cv <- cv.glmnet(x, y, family = "gaussian", alpha = 1, foldid = fold, lambda = lam,
                thresh = thresh, maxit = maxit, type.measure = "mse")
cvout <- list(lambda = cv$lambda, cvm = cv$cvm, cvsd = cv$cvsd,
              lambda_min = cv$lambda.min, lambda_1se = cv$lambda.1se)

# The same for a weighted lasso; cvm weights each fold by its total
# observation weight. (An elastic net cannot be compared here: each fold's
# fit divides its y by that fold's own SD, so for alpha < 1 the folds solve
# differently scaled problems; for the lasso the scaling cancels.)
lamw <- glmnet(x, y, family = "gaussian", alpha = 1, weights = w, nlambda = 100,
               lambda.min.ratio = 1e-3, thresh = thresh, maxit = maxit)$lambda
cvw <- cv.glmnet(x, y, family = "gaussian", alpha = 1, weights = w, foldid = fold,
                 lambda = lamw, thresh = thresh, maxit = maxit, type.measure = "mse")
cvwout <- list(l1_ratio = 1, y_scale = 1, lambda = cvw$lambda, cvm = cvw$cvm,
               cvsd = cvw$cvsd, lambda_min = cvw$lambda.min, lambda_1se = cvw$lambda.1se)

out <- list(source = paste0("glmnet ", packageVersion("glmnet"), ", ", R.version.string,
                            "; bench/peers/enet_reference.R"),
            thresh = thresh, sd_y = sdpop(y), paths = paths, ridge = ridge, cv = cvout,
            cv_weighted = cvwout)
writeLines(to_json(out), "testdata/enet/glmnet.json")
