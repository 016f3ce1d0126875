package pipeline

import (
	"bytes"
	"cmp"
	"encoding"
	"fmt"
	"reflect"
	"slices"

	"github.com/lsqgo/lsq/stream"
)

// A runner merges accumulators in an order of its own, which can change
// from run to run, and a merge rounds: (a + b) + c need not be a + (b + c)
// to the last bit. So the accumulators keep each file's part apart, in the
// order of the files' paths, until the combine's output folds them in that
// order. The result is then the same bits on every run and every runner,
// and those of `lsq fit --stream` over the same files (which folds its
// partitions in the order given, a glob's in the order of their paths).
// The price is memory during the combine: one factor (or gradient) a file,
// (d + 2)² values each, until the output folds them into one.

// Part is the accumulator of one file, or of several files folded in order,
// in binary form.
type Part struct {
	Path  string // the file; for a fold of several files, the first
	Files int    // the number of files folded into Bin
	Bin   []byte // stream.QR or stream.Grad MarshalBinary
}

// QRAcc is the Beam element that carries a stream.QR between workers: the
// feature names and the parts, in the order of their paths. The zero value
// is the empty accumulator, which is the identity of MergeQR.
type QRAcc struct {
	Features []string
	Parts    []Part
}

// GradAcc carries a stream.Grad like QRAcc carries a stream.QR.
type GradAcc struct {
	Features []string
	Parts    []Part
}

// Files returns the number of files in the accumulator.
func (a QRAcc) Files() int { return files(a.Parts) }

// Files returns the number of files in the accumulator.
func (a GradAcc) Files() int { return files(a.Parts) }

// Decode returns the parts folded in order, or nil for the empty
// accumulator.
func (a QRAcc) Decode() (*stream.QR, error) { return fold[stream.QR](a.Parts) }

// Decode returns the parts folded in order, or nil for the empty
// accumulator.
func (a GradAcc) Decode() (*stream.Grad, error) { return fold[stream.Grad](a.Parts) }

// MergeQR returns the accumulator of the rows of both a and b, whose parts
// are the union of theirs, in order. Neither argument is modified.
func MergeQR(a, b QRAcc) (QRAcc, error) {
	f, p, err := merge(a.Features, a.Parts, b.Features, b.Parts)
	return QRAcc{Features: f, Parts: p}, err
}

// MergeGrad is MergeQR for gradient sums.
func MergeGrad(a, b GradAcc) (GradAcc, error) {
	f, p, err := merge(a.Features, a.Parts, b.Features, b.Parts)
	return GradAcc{Features: f, Parts: p}, err
}

// folded returns a with its parts folded into one; a itself if they do not
// decode (Decode reports that where the accumulator is used).
func (a QRAcc) folded() QRAcc {
	p, ok := foldParts[stream.QR](a.Parts)
	if !ok {
		return a
	}
	return QRAcc{Features: a.Features, Parts: p}
}

// folded is QRAcc.folded for gradient sums.
func (a GradAcc) folded() GradAcc {
	p, ok := foldParts[stream.Grad](a.Parts)
	if !ok {
		return a
	}
	return GradAcc{Features: a.Features, Parts: p}
}

// accumulator is what stream.QR and stream.Grad share: a binary form and a
// merge.
type accumulator[T any] interface {
	*T
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
	Merge(*T) error
}

func files(parts []Part) int {
	n := 0
	for _, p := range parts {
		n += p.Files
	}
	return n
}

// fold decodes the parts and merges them in their order, or returns nil
// when there are none.
func fold[T any, P accumulator[T]](parts []Part) (P, error) {
	var total P
	for _, p := range parts {
		q := P(new(T))
		if err := q.UnmarshalBinary(p.Bin); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Path, err)
		}
		if total == nil {
			total = q
		} else if err := total.Merge(q); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Path, err)
		}
	}
	return total, nil
}

// foldParts folds two or more parts into one, and reports whether they
// decoded.
func foldParts[T any, P accumulator[T]](parts []Part) ([]Part, bool) {
	if len(parts) < 2 {
		return parts, true
	}
	q, err := fold[T, P](parts)
	if err != nil {
		return nil, false
	}
	bin, err := q.MarshalBinary()
	if err != nil {
		return nil, false
	}
	return []Part{{Path: parts[0].Path, Files: files(parts), Bin: bin}}, true
}

// merge returns the union of two accumulators' parts in order (of path,
// then of content, so that even a file read twice has one place), after
// checking that they have the same features.
func merge(fa []string, pa []Part, fb []string, pb []Part) ([]string, []Part, error) {
	switch {
	case len(pa) == 0:
		return fb, pb, nil
	case len(pb) == 0:
		return fa, pa, nil
	}
	if !slices.Equal(fa, fb) {
		return nil, nil, fmt.Errorf("files have different feature columns: %q and %q", fa, fb)
	}
	p := slices.Concat(pa, pb)
	slices.SortStableFunc(p, func(x, y Part) int {
		return cmp.Or(cmp.Compare(x.Path, y.Path), bytes.Compare(x.Bin, y.Bin))
	})
	return fa, p, nil
}

// qrCombineFn merges QR accumulators and folds the result's parts in
// order; input, accumulator and output are all QRAcc.
type qrCombineFn struct{}

func (qrCombineFn) CreateAccumulator() QRAcc { return QRAcc{} }

func (qrCombineFn) MergeAccumulators(a, b QRAcc) (QRAcc, error) { return MergeQR(a, b) }

func (qrCombineFn) ExtractOutput(a QRAcc) QRAcc { return a.folded() }

type gradCombineFn struct{}

func (gradCombineFn) CreateAccumulator() GradAcc { return GradAcc{} }

func (gradCombineFn) MergeAccumulators(a, b GradAcc) (GradAcc, error) { return MergeGrad(a, b) }

func (gradCombineFn) ExtractOutput(a GradAcc) GradAcc { return a.folded() }

var (
	reflectTypeQR   = reflect.TypeOf(QRAcc{})
	reflectTypeGrad = reflect.TypeOf(GradAcc{})
)
