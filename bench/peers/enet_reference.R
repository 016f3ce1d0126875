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
library(jsonlite)

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

# Cross-validation with the stored folds, on glmnet's lasso path.
cv <- cv.glmnet(x, y, family = "gaussian", alpha = 1, foldid = fold, nlambda = 100,
                lambda.min.ratio = 1e-3, thresh = thresh, maxit = maxit, type.measure = "mse")
cvout <- list(lambda = cv$lambda, cvm = cv$cvm, cvsd = cv$cvsd,
              lambda_min = cv$lambda.min, lambda_1se = cv$lambda.1se)

out <- list(source = paste0("glmnet ", packageVersion("glmnet"), ", ", R.version.string,
                            "; bench/peers/enet_reference.R"),
            thresh = thresh, sd_y = sdpop(y), paths = paths, ridge = ridge, cv = cvout)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, matrix = "rowmajor"),
           "testdata/enet/glmnet.json")
