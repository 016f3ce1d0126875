// Package tutorial holds the Go side of lsq's tutorial (docs/tutorial.md,
// and in Chinese docs/tutorial.zh.md): one runnable Example per question
// and exercise, each the code a section of the tutorial shows, with the
// output it prints. The package has no API of its own.
package tutorial
