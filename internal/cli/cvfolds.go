package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/data"
	"github.com/lsqgo/lsq/internal/english"
	"github.com/lsqgo/lsq/internal/fsutil"
)

// loadFolds reads the data of lsq cv and, with --foldid, the fold of each
// row (and sets o.Folds to their number): the column's distinct values in increasing order are folds 0…k−1
// (cv.glmnet's foldid 1…k keeps its numbering). The fold column is never a
// feature.
func (o *cvOptions) loadFolds(stdio IO) (*data.Frame, []int, error) {
	var exclude []string
	if o.FoldID != "" {
		if o.changed("folds") || o.changed("seed") {
			return nil, nil, usagef("--foldid gives the folds; drop --folds and --seed")
		}
		opts, err := o.Data.options()
		if err != nil {
			return nil, nil, err
		}
		if slices.Contains(opts.Features, o.FoldID) {
			return nil, nil, usagef("--foldid %s is also in --features; the fold column is not a feature", o.FoldID)
		}
		exclude = []string{o.FoldID}
	}
	in, err := bufferInput(o.File, stdio)
	if err != nil {
		return nil, nil, err
	}
	if in.path == "" {
		stdio.In = bytes.NewReader(in.buf) // read twice: the data, then the folds
	}
	fr, des, md, err := loadInputs(o.File, o.Formula, o.Data, o.NA, exclude, o.changed, stdio)
	if err != nil {
		return nil, nil, err
	}
	o.design = md
	if dropsIntercept(des) {
		o.Enet.NoIntercept = true
	}
	if des != nil {
		o.rows = des.Rows
	}
	if err := o.checkRows(fr); err != nil {
		return nil, nil, err
	}
	if o.FoldID == "" {
		return fr, nil, nil
	}
	dopts, _ := o.Data.options()
	tab, err := in.table([]string{o.FoldID}, dopts)
	if err != nil {
		return nil, nil, err
	}
	col := tab.Column(o.FoldID)
	if des != nil { // rows with missing values were dropped
		kept := make([]float64, len(des.Rows))
		for i, r := range des.Rows {
			kept[i] = col[r]
		}
		col = kept
	}
	ids, k := foldIndex(col)
	if k < 2 {
		return nil, nil, &data.Error{File: in.name, Column: o.FoldID, Msg: fmt.Sprintf("--foldid column %q has a single value; cross-validation needs at least 2 folds", o.FoldID)}
	}
	o.Folds = k // reported in the output and the model file
	return fr, ids, nil
}

func (o *cvOptions) checkRows(fr *data.Frame) error {
	n := fr.Rows()
	if fr.X == nil || n == 0 {
		return fmt.Errorf("%s: no data rows", o.File)
	}
	if o.Folds > n {
		return usagef("--folds %d is more than the %s of %s; use at most %d", o.Folds, english.Count(n, "row"), o.File, n)
	}
	return nil
}

// foldIndex numbers the distinct values of a fold column in increasing order.
func foldIndex(col []float64) ([]int, int) {
	vals := slices.Clone(col)
	sort.Float64s(vals)
	vals = slices.Compact(vals)
	ids := make([]int, len(col))
	for i, v := range col {
		ids[i], _ = slices.BinarySearch(vals, v)
	}
	return ids, len(vals)
}

// dropFeature removes a column from the features of a frame.
func dropFeature(fr *data.Frame, name string) {
	j := slices.Index(fr.Features, name)
	if j < 0 {
		return
	}
	n, d := fr.X.Dims()
	x := mat.NewDense(n, d-1, nil)
	for i := range n {
		row, out := fr.X.RawRowView(i), x.RawRowView(i)
		copy(out, row[:j])
		copy(out[j:], row[j+1:])
	}
	fr.X = x
	fr.Features = slices.Delete(slices.Clone(fr.Features), j, j+1)
}

// saveFolds writes row,fold (both from 1, as R numbers them) atomically;
// row is the data row of the file (rows, when not nil, maps the rows used
// to those of the file: rows with missing values are not listed).
func saveFolds(path string, folds, rows []int) error {
	return fsutil.WriteFile(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		bw.WriteString("row,fold\n")
		for i, f := range folds {
			r := i
			if rows != nil {
				r = rows[i]
			}
			bw.WriteString(strconv.Itoa(r+1) + "," + strconv.Itoa(f+1) + "\n")
		}
		return bw.Flush()
	})
}
