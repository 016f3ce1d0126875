package optim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// RangeSettings configures RangeTest. Zero values mean the defaults of
// fastai's lr_find: MinRate 1e-7, MaxRate 10, Steps 100, Smoothing 0.98,
// StopFactor 4. BatchSize and Seed choose the mini-batches as in Settings
// (0 means the full batch).
type RangeSettings struct {
	MinRate, MaxRate float64
	Steps            int
	Smoothing        float64
	StopFactor       float64
	BatchSize        int
	Seed             uint64
}

const rangeSkipStart, rangeSkipEnd = 10, 5

// RangeResult is the outcome of a learning-rate range test.
type RangeResult struct {
	Rates    []float64 // rate used at each step
	Losses   []float64 // loss of the batch (or full) gradient at each step
	Smoothed []float64 // bias-corrected exponential moving average of Losses
	// Suggested is the rate at the steepest descent of the smoothed loss
	// against log rate; NaN when the loss never fell.
	Suggested float64
}

// RangeTest runs Smith's learning-rate range test (L. N. Smith, "Cyclical
// learning rates for training neural networks", WACV 2017, §3.3; in the form
// of fastai's lr_find): starting from x0 it takes Steps updates with o, the
// rate growing exponentially from MinRate to MaxRate, records each step's
// loss and its smoothed value, stops early once the smoothed loss exceeds
// StopFactor times its minimum (or is not finite), and suggests the rate
// where the smoothed loss falls fastest, measured by central differences in
// log rate, ignoring the first 10 and the last 5 points. x0 is not modified. The context is checked before every step.
//
// The penalty is not included: the test is about the data loss. A typical
// use is to take a rate a little below Suggested (fastai uses it as is).
func RangeTest(ctx context.Context, p Problem, x0 []float64, s *RangeSettings, o Optimizer) (*RangeResult, error) {
	if p.Dim <= 0 || p.LossGrad == nil || len(x0) != p.Dim {
		panic(fmt.Sprintf("optim: RangeTest needs a Problem with Dim = len(x0) = %d", len(x0)))
	}
	var rs RangeSettings
	if s != nil {
		rs = *s
	}
	if rs.MinRate == 0 {
		rs.MinRate = 1e-7
	}
	if rs.MaxRate == 0 {
		rs.MaxRate = 10
	}
	if rs.Steps == 0 {
		rs.Steps = 100
	}
	if rs.Smoothing == 0 {
		rs.Smoothing = 0.98
	}
	if rs.StopFactor == 0 {
		rs.StopFactor = 4
	}
	if !(rs.MinRate > 0 && rs.MaxRate > rs.MinRate) || rs.Steps < 3 || !(rs.Smoothing >= 0 && rs.Smoothing < 1) || !(rs.StopFactor > 1) || rs.BatchSize < 0 {
		panic(fmt.Sprintf("optim: invalid RangeSettings %+v", rs))
	}
	if _, ok := o.(Stepper); ok {
		panic(fmt.Sprintf("optim: RangeTest needs an update rule, not %T, which searches for its own step", o))
	}
	d := p.Dim
	x := append([]float64(nil), x0...)
	g := make([]float64, d)
	o.Init(d)
	stochastic := rs.BatchSize > 0 && p.BatchLossGrad != nil && rs.BatchSize < p.Samples
	var perm []int
	rng := rand.New(rand.NewPCG(rs.Seed, pcgStream))
	pos := 0
	if stochastic {
		perm = make([]int, p.Samples)
	}
	res := &RangeResult{Suggested: math.NaN()}
	ratio := math.Log(rs.MaxRate / rs.MinRate)
	avg, best := 0.0, math.Inf(1)
	for k := 0; k < rs.Steps; k++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		lr := rs.MinRate * math.Exp(ratio*float64(k)/float64(rs.Steps-1))
		if k == rs.Steps-1 {
			lr = rs.MaxRate
		}
		var loss float64
		if stochastic {
			if pos == 0 {
				for i := range perm {
					perm[i] = i
				}
				rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			}
			end := min(pos+rs.BatchSize, len(perm))
			loss = p.BatchLossGrad(g, x, perm[pos:end])
			if pos = end; pos == len(perm) {
				pos = 0
			}
		} else {
			loss = p.LossGrad(g, x)
		}
		avg = rs.Smoothing*avg + (1-rs.Smoothing)*loss
		sm := avg / (1 - math.Pow(rs.Smoothing, float64(k+1)))
		res.Rates = append(res.Rates, lr)
		res.Losses = append(res.Losses, loss)
		res.Smoothed = append(res.Smoothed, sm)
		if math.IsNaN(sm) || math.IsInf(sm, 0) || sm > rs.StopFactor*best {
			break
		}
		best = math.Min(best, sm)
		o.Update(x, g, lr)
	}
	// Steepest descent: the most negative central difference of the smoothed
	// loss in log rate, skipping the first 10 and last 5 points as fastai's
	// lr_find plot does (the moving average is still noisy at the start and
	// the loss is blowing up at the end).
	steepest := 0.0
	for k := max(1, rangeSkipStart); k+1 < len(res.Smoothed)-rangeSkipEnd; k++ {
		a, b := res.Smoothed[k-1], res.Smoothed[k+1]
		if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
			continue
		}
		slope := (b - a) / math.Log(res.Rates[k+1]/res.Rates[k-1])
		if slope < steepest {
			steepest, res.Suggested = slope, res.Rates[k]
		}
	}
	return res, nil
}
