# Time glmnet's lasso path on the benchmark problem of package enet, read
# from the file written by lasso_path_bench.py (see there for the problem
# and the commands):
#
#     Rscript bench/peers/lasso_path_bench.R /tmp/enet_bench.bin
#
# glmnet: 100 lambdas down to 1e-3 * lambda_max, covariance updates (its
# default for fewer than 500 columns), thresh = 1e-7 (its default), the full
# path (no early stop on deviance). Wall and CPU time, each the best of 3, loading excluded.
suppressPackageStartupMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) > 0) args[1] else "/tmp/enet_bench.bin"
con <- file(path, "rb")
hdr <- readBin(con, "integer", n = 2, size = 8)
n <- hdr[1]; d <- hdr[2]
a <- matrix(readBin(con, "double", n = n * (d + 1), size = 8, endian = "little"),
            nrow = n, ncol = d + 1, byrow = TRUE)
close(con)
x <- a[, 1:d]; y <- a[, d + 1]
glmnet.control(fdev = 0, devmax = 1)
best <- Inf
cpu <- Inf
for (k in 1:3) {
  t <- system.time(fit <- glmnet(x, y, family = "gaussian", alpha = 1, nlambda = 100,
                                 lambda.min.ratio = 1e-3, thresh = 1e-7,
                                 type.gaussian = "covariance"))
  best <- min(best, t[["elapsed"]])
  cpu <- min(cpu, t[["user.self"]] + t[["sys.self"]])
}
cat(sprintf("glmnet %s lasso path n=%d d=%d: %.3f s wall, %.3f s CPU (best of 3), lambda_max=%.6g, non-zero at the end %d\n",
            packageVersion("glmnet"), n, d, best, cpu, fit$lambda[1], fit$df[length(fit$df)]))
