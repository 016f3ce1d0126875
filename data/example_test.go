package data_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/lsqgo/lsq/data"
)

func ExampleReadCSV() {
	in := "id,x1,x2,y\nA,1,2,3.5\nB,4,5,6.5\n"
	f, err := data.ReadCSV(strings.NewReader(in), "data.csv", &data.Options{
		Target:   "y",
		Features: []string{"x1", "x2"}, // "id" is text: it is skipped, not parsed
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.Features, f.Rows(), f.X.RawRowView(1), f.Y)
	// Output:
	// [x1 x2] 2 [4 5] [3.5 6.5]
}

func ExampleReadCSV_error() {
	in := "y,x1\n1,2\n3,abc\n"
	_, err := data.ReadCSV(strings.NewReader(in), "data.csv", &data.Options{Target: "y"})
	fmt.Println(err)
	var e *data.Error
	if errors.As(err, &e) {
		fmt.Println(e.Line, e.Col, e.Column)
	}
	// Output:
	// data.csv:3:2: "abc" is not a number (column "x1"); fix the value, or leave the column out of the model
	// 3 2 x1
}

func ExampleScanCSV() {
	in := "y,x\n1,10\n2,20\n3,30\n4,40\n5,50\n"
	var sum float64
	err := data.ScanCSV(strings.NewReader(in), "big.csv", &data.Options{Target: "y"}, 2, func(c *data.Frame) error {
		fmt.Println("block of", c.Rows(), "rows")
		for _, v := range c.Y {
			sum += v
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sum of y:", sum)
	// Output:
	// block of 2 rows
	// block of 2 rows
	// block of 1 rows
	// sum of y: 15
}

func ExampleReadTable() {
	in := "x,y,note\n1,2.5,a\n2,4.5,b\n"
	t, err := data.ReadTable(strings.NewReader(in), "curve.csv", []string{"x", "y"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.N, t.Column("x"), t.Column("y"))
	// Output:
	// 2 [1 2] [2.5 4.5]
}

func ExampleKFold() {
	for i, f := range data.KFold(7, 3, 1) {
		fmt.Println(i, len(f.Train), len(f.Val))
	}
	// Output:
	// 0 4 3
	// 1 5 2
	// 2 5 2
}
