package pipeline

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/lsqgo/lsq/stream"
)

// QRAcc is the Beam element that carries a stream.QR between workers: the
// factor in its binary form, with the feature names and the number of files
// folded into it. The zero value is the empty accumulator, which is the
// identity of MergeQR.
type QRAcc struct {
	Features []string
	Files    int
	QR       []byte // stream.QR.MarshalBinary; nil when empty
}

// GradAcc carries a stream.Grad like QRAcc carries a stream.QR.
type GradAcc struct {
	Features []string
	Files    int
	Grad     []byte // stream.Grad.MarshalBinary; nil when empty
}

// Decode returns the accumulator, or nil for the empty one.
func (a QRAcc) Decode() (*stream.QR, error) {
	if a.QR == nil {
		return nil, nil
	}
	var q stream.QR
	if err := q.UnmarshalBinary(a.QR); err != nil {
		return nil, err
	}
	return &q, nil
}

// Decode returns the accumulator, or nil for the empty one.
func (a GradAcc) Decode() (*stream.Grad, error) {
	if a.Grad == nil {
		return nil, nil
	}
	var g stream.Grad
	if err := g.UnmarshalBinary(a.Grad); err != nil {
		return nil, err
	}
	return &g, nil
}

func sameFeatures(a, b []string) error {
	if !slices.Equal(a, b) {
		return fmt.Errorf("files have different feature columns: %q and %q", a, b)
	}
	return nil
}

// MergeQR returns the accumulator of the rows of both a and b. Neither
// argument is modified.
func MergeQR(a, b QRAcc) (QRAcc, error) {
	if a.QR == nil {
		return b, nil
	}
	if b.QR == nil {
		return a, nil
	}
	if err := sameFeatures(a.Features, b.Features); err != nil {
		return QRAcc{}, err
	}
	qa, err := a.Decode()
	if err != nil {
		return QRAcc{}, err
	}
	qb, err := b.Decode()
	if err != nil {
		return QRAcc{}, err
	}
	if err := qa.Merge(qb); err != nil {
		return QRAcc{}, err
	}
	bin, err := qa.MarshalBinary()
	if err != nil {
		return QRAcc{}, err
	}
	return QRAcc{Features: a.Features, Files: a.Files + b.Files, QR: bin}, nil
}

// MergeGrad is MergeQR for gradient sums.
func MergeGrad(a, b GradAcc) (GradAcc, error) {
	if a.Grad == nil {
		return b, nil
	}
	if b.Grad == nil {
		return a, nil
	}
	if err := sameFeatures(a.Features, b.Features); err != nil {
		return GradAcc{}, err
	}
	ga, err := a.Decode()
	if err != nil {
		return GradAcc{}, err
	}
	gb, err := b.Decode()
	if err != nil {
		return GradAcc{}, err
	}
	if err := ga.Merge(gb); err != nil {
		return GradAcc{}, err
	}
	bin, err := ga.MarshalBinary()
	if err != nil {
		return GradAcc{}, err
	}
	return GradAcc{Features: a.Features, Files: a.Files + b.Files, Grad: bin}, nil
}

// qrCombineFn merges QR accumulators; input, accumulator and output are all
// QRAcc.
type qrCombineFn struct{}

func (qrCombineFn) CreateAccumulator() QRAcc { return QRAcc{} }

func (qrCombineFn) MergeAccumulators(a, b QRAcc) (QRAcc, error) { return MergeQR(a, b) }

type gradCombineFn struct{}

func (gradCombineFn) CreateAccumulator() GradAcc { return GradAcc{} }

func (gradCombineFn) MergeAccumulators(a, b GradAcc) (GradAcc, error) { return MergeGrad(a, b) }

var (
	reflectTypeQR   = reflect.TypeOf(QRAcc{})
	reflectTypeGrad = reflect.TypeOf(GradAcc{})
)
