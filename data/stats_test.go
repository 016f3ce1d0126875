package data

import (
	"reflect"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

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
