// Package strd embeds the NIST Statistical Reference Datasets (StRD) for
// linear and nonlinear least-squares regression, byte for byte as vendored
// (see README.md and SOURCES.txt in this directory).
//
// Parse them with package testproblems, its parent. The files live beside
// this package, not under a testdata directory, because //go:embed reads
// only its own directory and below, and the go tool skips testdata
// directories, which would leave this package out of go vet ./....
package strd

import "embed"

// FS holds README.md, SOURCES.txt, linear/*.dat (11 files) and
// nonlinear/*.dat (27 files).
//
//go:embed README.md SOURCES.txt linear/*.dat nonlinear/*.dat
var FS embed.FS
