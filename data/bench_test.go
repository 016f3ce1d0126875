package data

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
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
// columns (target y and 19 features), from memory. MB/s is input bytes per
// wall-clock second; MB/cpu-s per CPU-second of the whole process (all
// workers), so MB/cpu-s × cores bounds what an idle machine achieves.
func BenchmarkReadCSV(b *testing.B) {
	for _, c := range []struct {
		name string
		prec int
	}{{"shortest", -1}, {"fixed6", 6}} {
		src := genCSV(100000, 20, c.prec, 1)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				f, err := ReadCSV(bytes.NewReader(src), "bench.csv", &Options{Target: "y"})
				if err != nil {
					b.Fatal(err)
				}
				frameSink = f
			}
			// Throughput per CPU-second: on a shared machine wall-clock
			// MB/s measures the neighbours; this measures the parser.
			if c := cpuTime() - c0; c > 0 {
				b.ReportMetric(float64(len(src))*float64(b.N)/1e6/c.Seconds(), "MB/cpu-s")
			}
		})
	}
}

var floatSink float64

// BenchmarkParseFloat compares the field parser with strconv.ParseFloat on
// the same 17-digit and 6-decimal numbers.
func BenchmarkParseFloat(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, c := range []struct {
		name string
		prec int
	}{{"shortest", -1}, {"fixed6", 6}} {
		var fields [][]byte
		var strs []string
		for i := 0; i < 1024; i++ {
			s := strconv.FormatFloat(rng.NormFloat64(), 'f', c.prec, 64)
			if c.prec < 0 {
				s = strconv.FormatFloat(rng.NormFloat64(), 'g', -1, 64)
			}
			fields = append(fields, []byte(s))
			strs = append(strs, s)
		}
		b.Run(c.name+"/scanFloat", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				f, _, _ := scanFloat(fields[i&1023], 0)
				floatSink += f
			}
		})
		b.Run(c.name+"/strconv", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				f, _ := strconv.ParseFloat(strs[i&1023], 64)
				floatSink += f
			}
		})
	}
}

// BenchmarkReadFile reads the same data as BenchmarkReadCSV/shortest from a
// file through ReadFile (count pass, then parse), as the command line
// does. testdata/bench_pandas.py times pandas.read_csv on the same bytes
// (write them with LSQ_BENCH_CSV=path go test -run TestWriteBenchCSV).
func BenchmarkReadFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.csv")
	src := genCSV(100000, 20, -1, 1)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		f, err := ReadFile(path, &Options{Target: "y"})
		if err != nil {
			b.Fatal(err)
		}
		frameSink = f
	}
	if c := cpuTime() - c0; c > 0 {
		b.ReportMetric(float64(len(src))*float64(b.N)/1e6/c.Seconds(), "MB/cpu-s")
	}
}

// TestWriteBenchCSV writes the benchmark file for the pandas comparison
// when LSQ_BENCH_CSV names a path.
func TestWriteBenchCSV(t *testing.T) {
	path := os.Getenv("LSQ_BENCH_CSV")
	if path == "" {
		t.Skip("LSQ_BENCH_CSV not set")
	}
	if err := os.WriteFile(path, genCSV(100000, 20, -1, 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkParsePiece times the single-threaded record parser alone on one
// 4 MB block of 17-digit numbers (no I/O, no allocation).
func BenchmarkParsePiece(b *testing.B) {
	src := genCSV(10000, 20, -1, 1)
	hdr := bytes.IndexByte(src, '\n') + 1
	c, err := newCSVReader(bytes.NewReader(src), "p.csv", &Options{Target: "y"})
	if err != nil {
		b.Fatal(err)
	}
	lay, err := frameLayout(c.header, "p.csv", &Options{Target: "y"})
	if err != nil {
		b.Fatal(err)
	}
	c.setLayout(lay.dest, lay.strides)
	c.reserve(10000)
	tg := make([]target, len(c.dest))
	for i, d := range c.dest {
		if d.store >= 0 {
			s := c.stores[d.store]
			tg[i] = target{data: s.data, stride: s.stride, off: d.off, weight: d.weight}
		}
	}
	body := src[hdr:]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.parsePiece(body, tg, 2, 0); err != nil {
			b.Fatal(err)
		}
	}
}
