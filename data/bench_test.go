package data

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
)

// genCSV returns a numeric CSV with a header y,x1..x{d-1} and n rows of
// standard normal values written by format: 'g' with precision −1 gives the
// shortest round-trip form (about 17 significant digits, as pandas and
// numpy write), 6 gives the 6-decimal fixed form many tools write.
func genCSV(n, d int, prec int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0))
	var b bytes.Buffer
	b.WriteString("y")
	for j := 1; j < d; j++ {
		b.WriteString(",x")
		b.WriteString(strconv.Itoa(j))
	}
	b.WriteByte('\n')
	var tmp []byte
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			if prec < 0 {
				tmp = strconv.AppendFloat(tmp[:0], rng.NormFloat64(), 'g', -1, 64)
			} else {
				tmp = strconv.AppendFloat(tmp[:0], rng.NormFloat64(), 'f', prec, 64)
			}
			b.Write(tmp)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

var frameSink *Frame

// BenchmarkReadCSV reads a generated numeric CSV, n = 1e5 rows, d = 20
// columns (target y and 19 features), from memory. MB/s is input bytes.
func BenchmarkReadCSV(b *testing.B) {
	for _, c := range []struct {
		name string
		prec int
	}{{"shortest", -1}, {"fixed6", 6}} {
		src := genCSV(100000, 20, c.prec, 1)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				f, err := ReadCSV(bytes.NewReader(src), "bench.csv", &Options{Target: "y"})
				if err != nil {
					b.Fatal(err)
				}
				frameSink = f
			}
		})
	}
}
