// Package data loads numeric tables for lsq: CSV (parallel, streaming) and
// Parquet, into a dense row-major design matrix X, a response y and optional
// weights, plus the small helpers the solvers need (column moments, splits,
// folds, row subsets).
//
// # Reading
//
// [ReadCSV] and [ReadFile] return a [Frame]. The caller names the target,
// the features (nil means every other column) and optionally a weight
// column; only those columns must be numeric, the others are skipped without
// being parsed. [ReadTable] returns named columns instead of a matrix, for
// callers that build their own design (formulas, nonlinear curve models).
// [ScanCSV], [ScanParquet] and [ScanFile] stream row blocks of a file too
// large for memory, with the same errors (line numbers are the file's) and
// a progress callback ([Options].Progress) counting the bytes consumed.
// [ReadParquet] reads DOUBLE, FLOAT, INT32 and INT64 columns column-wise
// into the same Frame. [ReadText] and [ReadTextFile] return the cells as
// text with their file lines, for callers that decide per column what the
// cells mean (text factors, missing values such as NA), as R's read.csv
// does; [ParseNumber] parses a cell as the numeric readers do.
//
// # Speed
//
// The CSV input is read in blocks of 4 MiB; each block is cut at record
// boundaries (newlines outside quotes) into one piece per worker, the
// pieces are parsed in parallel, each writing its rows at a precomputed
// offset of the output, and the rows are then compacted in order, so the
// result does not depend on the number of workers; the next block is read
// while one is parsed. Numbers are parsed by a
// fast path (Clinger's exact case, then the Eisel–Lemire algorithm, with
// eight digits at a time) that falls back to strconv.ParseFloat for the rare
// inputs it cannot decide; the result is bit-identical to strconv.ParseFloat.
// A number is a decimal only (internal/numtext): the other forms strconv
// reads, hexadecimal ("0x1p-2"), digit separators ("1_000") and the words
// inf, infinity and nan in any spelling, are refused with the file, line and
// column, never read as values.
// A file that changes size or modification time while ScanFile reads it is
// an error.
// Only the needed columns are parsed. A block without any '"' is split with
// bytes.IndexByte; a block with quotes is scanned serially to find the
// record boundaries, so heavily quoted files read more slowly.
//
// # CSV dialect
//
// A header row names the columns. Fields are separated by a configurable
// single-byte delimiter (',' by default, '\t' for .tsv files read through
// ReadFile). Quoted fields follow RFC 4180: a field that starts with '"' ends
// at the next lone '"', and "" inside it stands for one quote; quoted fields
// may contain delimiters and newlines, and quoted numbers ("1.5") are
// numbers. Lines may end in LF or CRLF; a leading UTF-8 byte-order mark is
// dropped; empty lines are ignored; spaces around a number and around
// header names are allowed. UTF-16 files and binary files (any NUL byte) are
// rejected with an error saying so.
//
// # Memory
//
// The matrix is built once, in place: chunks of the input are parsed in
// parallel and every value is written straight into the final backing array
// of X (and y, weights). When the input can seek (a regular file, including
// a file redirected to stdin), a first pass counts the newlines so the
// backing array is allocated at its final size (upper bound: empty lines and
// newlines inside quotes are counted too), and the peak memory of loading is
// the final matrix plus two 4 MiB read blocks (TestReadCSVMemory checks this
// bound). When the input cannot seek (a pipe), the backing array grows by a
// factor of 1.25 as rows arrive, so the peak is at most about 2.25 times the
// final matrix during the last growth step; use a file, or [ScanCSV], when that matters.
// Parquet files state their row count, so ReadParquet allocates the final
// arrays at once.
//
// # Errors
//
// Every problem with the input is reported as a *[Error] that names the
// file, the 1-based line and the 1-based column (field index) and says what
// to do, for example
//
//	data.csv:3:2: "abc" is not a number (column "x1"); fix the value, or leave the column out of the features
//
// Misuse by the programmer (a negative chunk size, a fold count above n)
// panics, following gonum.
package data // import "github.com/lsqgo/lsq/data"
