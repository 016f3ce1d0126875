package data

import (
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func TestMoments(t *testing.T) {
	// Column 0 sits at 1e9: the naive Σx²−n·mean² loses every digit there.
	// Closed form: values 1e9+{4,7,13,16}, mean 1e9+10, population
	// variance (36+9+9+36)/4 = 22.5. Column 1 is constant: std 0.
	x := mat.NewDense(4, 2, []float64{1e9 + 4, 3, 1e9 + 7, 3, 1e9 + 13, 3, 1e9 + 16, 3})
	mean, std := Moments(x, nil)
	if mean[0] != 1e9+10 || mean[1] != 3 || math.Abs(std[0]-math.Sqrt(22.5)) > 1e-6 || std[1] != 0 {
		t.Errorf("mean %v std %v", mean, std)
	}
	// Integer weights equal repeated rows; zero weights equal dropped rows.
	w := []float64{2, 0, 1, 3}
	rep := mat.NewDense(6, 2, []float64{1e9 + 4, 3, 1e9 + 4, 3, 1e9 + 13, 3, 1e9 + 16, 3, 1e9 + 16, 3, 1e9 + 16, 3})
	mw, sw := Moments(x, w)
	mr, sr := Moments(rep, nil)
	for j := range mw {
		// 1e-15 relative: a few roundings of numbers near 1e9.
		if math.Abs(mw[j]-mr[j]) > 1e-15*math.Abs(mr[j]) || math.Abs(sw[j]-sr[j]) > 1e-6 {
			t.Errorf("column %d: weighted %v %v, repeated %v %v", j, mw[j], sw[j], mr[j], sr[j])
		}
	}
	// Standardize: columns end with mean 0 and std 1 (0 for the constant).
	z := mat.DenseCopyOf(x)
	Standardize(z, nil)
	m2, s2 := Moments(z, nil)
	if math.Abs(m2[0]) > 1e-12 || math.Abs(s2[0]-1) > 1e-12 || m2[1] != 0 || s2[1] != 0 {
		t.Errorf("standardized moments %v %v", m2, s2)
	}
}

func TestSplit(t *testing.T) {
	train, val := Split(100, 0.2, 42)
	if len(val) != 20 || len(train) != 80 || !slices.IsSorted(train) || !slices.IsSorted(val) {
		t.Fatalf("sizes %d %d", len(train), len(val))
	}
	all := slices.Concat(train, val)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatal("split is not a partition of 0..99")
		}
	}
	t2, v2 := Split(100, 0.2, 42)
	if !reflect.DeepEqual(t2, train) || !reflect.DeepEqual(v2, val) {
		t.Error("same seed, different split")
	}
	if _, v3 := Split(100, 0.2, 43); reflect.DeepEqual(v3, val) {
		t.Error("different seeds, same split")
	}
	if tr, v := Split(3, 0.01, 1); len(v) != 1 || len(tr) != 2 {
		t.Errorf("tiny fraction: %v %v", tr, v)
	}
	if tr, v := Split(5, 0, 1); len(v) != 0 || len(tr) != 5 {
		t.Errorf("zero fraction: %v %v", tr, v)
	}
}

func TestKFold(t *testing.T) {
	folds := KFold(10, 3, 7)
	// 10 = 4 + 3 + 3: the first 10 mod 3 = 1 fold gets the extra row.
	sizes := []int{len(folds[0].Val), len(folds[1].Val), len(folds[2].Val)}
	if !reflect.DeepEqual(sizes, []int{4, 3, 3}) {
		t.Errorf("fold sizes %v", sizes)
	}
	count := make([]int, 10)
	for _, f := range folds {
		if len(f.Train)+len(f.Val) != 10 {
			t.Error("train and val do not cover the rows")
		}
		for _, i := range f.Val {
			count[i]++
			if _, found := slices.BinarySearch(f.Train, i); found {
				t.Errorf("row %d in both train and val", i)
			}
		}
	}
	for i, c := range count {
		if c != 1 {
			t.Errorf("row %d validated %d times", i, c)
		}
	}
	if !reflect.DeepEqual(KFold(10, 3, 7), folds) {
		t.Error("same seed, different folds")
	}
}

func TestSubset(t *testing.T) {
	f := &Frame{Features: []string{"a", "b"}, X: mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6}),
		Y: []float64{7, 8, 9}, Weights: []float64{1, 2, 3}}
	s := Subset(f, []int{2, 0, 2})
	if !reflect.DeepEqual(s.X.RawMatrix().Data, []float64{5, 6, 1, 2, 5, 6}) ||
		!reflect.DeepEqual(s.Y, []float64{9, 7, 9}) || !reflect.DeepEqual(s.Weights, []float64{3, 1, 3}) {
		t.Errorf("subset %v %v %v", s.X.RawMatrix().Data, s.Y, s.Weights)
	}
}
