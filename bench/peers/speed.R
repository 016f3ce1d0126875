# Peer timings for the lsq benchmark (run by `go run ./bench`): R's lm.fit
# and glmnet's lasso path on the binary file the Go harness writes (int64 n,
# int64 d, then n rows of d+1 little-endian float64: x then y). Prints one
# JSON object per measurement on standard output.
args <- commandArgs(trailingOnly = TRUE)
opt <- list(bin = NULL, wide = "", reps = 3, budget = 45, tasks = "ols,lasso")
for (i in seq(1, length(args), by = 2)) opt[[sub("^--", "", args[i])]] <- args[i + 1]
reps <- as.integer(opt$reps)
budget <- as.numeric(opt$budget)
tasks <- strsplit(opt$tasks, ",")[[1]]

emit <- function(task, tool, wall, cpu, note = "") {
  cat(sprintf('{"task":"%s","tool":"%s","wall":[%s],"cpu":[%s],"note":"%s"}\n', task, tool,
              paste(sprintf("%.6f", wall), collapse = ","), paste(sprintf("%.6f", cpu), collapse = ","), note))
}

measure <- function(task, tool, f, note = "") {
  wall <- c(); cpu <- c()
  while (length(wall) < reps && (length(wall) == 0 || sum(wall) < budget)) {
    gc()
    t <- system.time(f())
    wall <- c(wall, t[["elapsed"]])
    cpu <- c(cpu, t[["user.self"]] + t[["sys.self"]])
  }
  emit(task, tool, wall, cpu, note)
}

# read_problem reads the harness's binary file: int64 n, int64 d, then n rows
# of x then y.
read_problem <- function(path) {
  con <- file(path, "rb")
  hdr <- readBin(con, "integer", 4, size = 4, endian = "little")
  n <- hdr[1]; d <- hdr[3]
  v <- readBin(con, "double", n * (d + 1), size = 8, endian = "little")
  close(con)
  m <- matrix(v, nrow = n, ncol = d + 1, byrow = TRUE)
  rm(v)
  list(x = m[, 1:d], y = m[, d + 1])
}

time_glmnet <- function(task, x, y) {
  suppressMessages(library(glmnet))
  measure(task, "R glmnet", function() glmnet(x, y, alpha = 1, nlambda = 100, lambda.min.ratio = 1e-3),
          sprintf("glmnet %s, thresh 1e-7 (default)", packageVersion("glmnet")))
}

if (any(c("ols", "lasso", "cv") %in% tasks)) {
  p <- read_problem(opt$bin)
  x <- p$x; y <- p$y
  rm(p); invisible(gc())
  blas <- tryCatch(basename(extSoftVersion()[["BLAS"]]), error = function(e) "")
  if ("ols" %in% tasks) {
    x1 <- cbind(1, x)
    measure("ols", "R lm.fit", function() lm.fit(x1, y), sprintf("R %s, BLAS %s", getRversion(), blas))
    rm(x1); invisible(gc())
  }
  if ("lasso" %in% tasks) time_glmnet("lasso", x, y)
  if ("cv" %in% tasks) {
    suppressMessages(library(glmnet))
    measure("cv", "R cv.glmnet", function() cv.glmnet(x, y, alpha = 1, nlambda = 100, lambda.min.ratio = 1e-3, nfolds = 10),
            sprintf("glmnet %s, 10 folds", packageVersion("glmnet")))
  }
}

if ("widelasso" %in% tasks && nzchar(opt$wide)) {
  rm(list = intersect(c("x", "y"), ls())); invisible(gc())
  p <- read_problem(opt$wide)
  time_glmnet("widelasso", p$x, p$y)
}
