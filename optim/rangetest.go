package optim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// RangeSettings configures RangeTest. Zero values mean the defaults of
// fastai's lr_find: MinRate 1e-7, MaxRate 10, Steps 100, Smoothing 0.98,
// StopFactor 4. BatchSize, Seed and ShuffleBlock choose the mini-batches as in Settings
// (0 means the full batch).
type RangeSettings struct {
	MinRate, MaxRate float64
	Steps            int
	Smoothing        float64
	StopFactor       float64
	BatchSize        int
	Seed             uint64
	ShuffleBlock     int
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

	// Noise is the spread (standard deviation) of the recorded losses about
	// their trend, estimated robustly from successive differences:
	// 1.4826·MAD(Lₖ₊₁ − Lₖ)/√2. It is about 0 for the full batch, whose
	// losses are deterministic, and the spread of the mini-batch losses
	// otherwise.
	Noise float64
	// Unsupported, when not empty, says why the curve does not support
	// Suggested: no fall of the smoothed loss (across two steps, as the
	// suggestion measures it) is beyond its noise, the fall at Suggested is
	// within the noise (a rate picked from noise), or Suggested is at an
	// edge of the points considered (the steepest fall may lie outside).
	// "Beyond the noise" is a fall larger than Threshold standard
	// deviations of what white noise of size Noise gives through the
	// moving average.
	Unsupported string
	// Significant is the rate at the steepest fall that is beyond the noise
	// (Suggested itself when that fall is); NaN when there is none.
	Significant float64
	// Threshold is the number of standard deviations a fall must exceed:
	// the one-sided 1% level with a Bonferroni correction for the number m
	// of points considered, Φ⁻¹(1 − 0.01/m), since the steepest of m falls
	// is chosen (3.67 for the default 100 steps, m = 84). On a loss that is
	// pure noise about 1% of runs then still find a fall beyond it.
	Threshold float64
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
//
// A cancelled test returns the steps recorded so far, unassessed (Suggested
// NaN), with the context's error.
func RangeTest(ctx context.Context, p Problem, x0 []float64, s *RangeSettings, o Optimizer) (*RangeResult, error) {
	if p.Dim <= 0 || p.LossGrad == nil || len(x0) != p.Dim {
		panic(fmt.Sprintf("optim: RangeTest needs a Problem with Dim = len(x0) = %d", len(x0)))
	}
	rs := s.resolved()
	if _, ok := o.(Stepper); ok {
		panic(fmt.Sprintf("optim: RangeTest needs an update rule, not %T, which searches for its own step", o))
	}
	res := &RangeResult{Suggested: math.NaN()}
	if err := res.sweep(ctx, p, x0, rs, o); err != nil {
		return res, err
	}
	res.suggest(rs)
	return res, nil
}

// resolved returns the settings with the zero values replaced by their
// defaults (fastai's; s may be nil), and panics if they are invalid: the
// rates must grow, at least 3 steps are needed for one central difference,
// and the smoothing and stop factor must make the moving average and the
// blow-up test meaningful.
func (s *RangeSettings) resolved() RangeSettings {
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
	if !(rs.MinRate > 0 && rs.MaxRate > rs.MinRate) || rs.Steps < 3 || !(rs.Smoothing >= 0 && rs.Smoothing < 1) || !(rs.StopFactor > 1) || rs.BatchSize < 0 || rs.ShuffleBlock < 0 {
		panic(fmt.Sprintf("optim: invalid RangeSettings %+v", rs))
	}
	return rs
}

// rate is the learning rate of step k of Steps, growing geometrically:
// MinRate·(MaxRate/MinRate)^(k/(Steps−1)). The last step's rate is MaxRate
// exactly, not its rounded power.
func (rs RangeSettings) rate(k int) float64 {
	if k == rs.Steps-1 {
		return rs.MaxRate
	}
	return rs.MinRate * math.Exp(math.Log(rs.MaxRate/rs.MinRate)*float64(k)/float64(rs.Steps-1))
}

// sweep takes the test's steps with o from a copy of x0, recording each
// step's rate, loss and smoothed loss in res, until Steps are taken or the
// smoothed loss is not finite or exceeds StopFactor times its minimum (the
// step that shows it is recorded, not taken). It returns the context's error
// if the context is done before a step.
func (res *RangeResult) sweep(ctx context.Context, p Problem, x0 []float64, rs RangeSettings, o Optimizer) error {
	x := append([]float64(nil), x0...)
	g := make([]float64, p.Dim)
	o.Init(p.Dim)
	batches := newRangeBatches(p, rs)
	ema := movingAverage{beta: rs.Smoothing}
	best := math.Inf(1)
	for k := 0; k < rs.Steps; k++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		lr := rs.rate(k)
		loss := batches.lossGrad(g, x)
		sm := ema.add(loss)
		res.Rates = append(res.Rates, lr)
		res.Losses = append(res.Losses, loss)
		res.Smoothed = append(res.Smoothed, sm)
		if math.IsNaN(sm) || math.IsInf(sm, 0) || sm > rs.StopFactor*best {
			return nil
		}
		best = math.Min(best, sm)
		o.Update(x, g, lr)
	}
	return nil
}

// rangeBatches gives the loss and gradient of each step of the test: the
// full batch, or, with a BatchSize below the Problem's Samples and a
// BatchLossGrad, the next mini-batch of a pass over the rows in an order
// shuffled (as Settings.ShuffleBlock, from Seed) at the start of every pass.
type rangeBatches struct {
	p           Problem
	size, block int
	perm        []int // the pass's order; nil for the full batch
	pcg         *rand.PCG
	pos         int // start of the next mini-batch in perm; 0 starts a pass
}

func newRangeBatches(p Problem, rs RangeSettings) *rangeBatches {
	b := &rangeBatches{p: p, size: rs.BatchSize, block: rs.ShuffleBlock}
	if rs.BatchSize > 0 && p.BatchLossGrad != nil && rs.BatchSize < p.Samples {
		b.perm = make([]int, p.Samples)
		b.pcg = rand.NewPCG(rs.Seed, pcgStream)
	}
	return b
}

// lossGrad stores the gradient of the next batch's loss at x in g and
// returns that loss.
func (b *rangeBatches) lossGrad(g, x []float64) float64 {
	if b.perm == nil {
		return b.p.LossGrad(g, x)
	}
	if b.pos == 0 {
		shuffle(b.perm, b.pcg, b.block)
	}
	end := min(b.pos+b.size, len(b.perm))
	loss := b.p.BatchLossGrad(g, x, b.perm[b.pos:end])
	if b.pos = end; b.pos == len(b.perm) {
		b.pos = 0
	}
	return loss
}

// movingAverage is the bias-corrected exponential moving average of the
// losses, as fastai smooths them: aₖ = β·aₖ₋₁ + (1−β)·Lₖ from a₋₁ = 0, and
// sₖ = aₖ/(1 − β^(k+1)), which removes the pull towards the start value 0
// (the weights of s sum to 1; see emaDiffNorm).
type movingAverage struct {
	beta, avg float64
	n         int // losses added
}

// add takes the next loss and returns the smoothed value.
func (m *movingAverage) add(loss float64) float64 {
	m.avg = m.beta*m.avg + (1-m.beta)*loss
	m.n++
	return m.avg / (1 - math.Pow(m.beta, float64(m.n)))
}

// suggest sets Suggested at the steepest fall of the smoothed loss, then
// Noise and, when any point is considered, the assessment (see RangeResult).
// The points considered skip the first 10 and last 5, as fastai's lr_find
// plot does: the moving average is still noisy at the start and the loss is
// blowing up at the end.
func (res *RangeResult) suggest(rs RangeSettings) {
	first, last := max(1, rangeSkipStart), len(res.Smoothed)-rangeSkipEnd-2
	sug := res.steepestFall(first, last, func(int) bool { return true })
	if sug >= 0 {
		res.Suggested = res.Rates[sug]
	}
	res.Significant = math.NaN()
	res.Noise = lossNoise(res.Losses)
	if last < first {
		return
	}
	res.assess(rs.Smoothing, first, last, sug, len(res.Rates) < rs.Steps)
}

// steepestFall returns the point k in first..last, among those keep accepts,
// where the smoothed loss falls fastest in log rate, by the central
// difference (sₖ₊₁ − sₖ₋₁)/log(rₖ₊₁/rₖ₋₁), skipping non-finite values; -1
// when it falls at none of them. Ties go to the lowest rate.
func (res *RangeResult) steepestFall(first, last int, keep func(k int) bool) int {
	sm, rates := res.Smoothed, res.Rates
	steepest, at := 0.0, -1
	for k := first; k <= last; k++ {
		a, b := sm[k-1], sm[k+1]
		if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) || !keep(k) {
			continue
		}
		if slope := (b - a) / math.Log(rates[k+1]/rates[k-1]); slope < steepest {
			steepest, at = slope, k
		}
	}
	return at
}

// lossNoise estimates the standard deviation of the losses about their
// trend from successive differences, which remove a slowly varying trend:
// for white noise of standard deviation σ a difference has standard
// deviation σ√2, and 1.4826·MAD estimates a normal standard deviation
// robustly (the few large differences where the loss falls or blows up do
// not count).
func lossNoise(losses []float64) float64 {
	var d []float64
	for k := 1; k < len(losses); k++ {
		if v := losses[k] - losses[k-1]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			d = append(d, v)
		}
	}
	if len(d) == 0 {
		return 0
	}
	med := median(d)
	for i, v := range d {
		d[i] = math.Abs(v - med)
	}
	return 1.4826 * median(d) / math.Sqrt2
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// emaDiffNorm is ‖w_j1 − w_j0‖ for the weights of the bias-corrected
// moving average, s_j = Σ_{i≤j} w_{j,i}·L_i with
// w_{j,i} = (1−β)·β^(j−i)/(1−β^(j+1)), j0 < j1: the standard deviation of
// s_j1 − s_j0 when the losses are white noise of unit standard deviation
// about a constant. In closed form, from the two geometric sums over
// i ≤ j0 and j0 < i ≤ j1.
func emaDiffNorm(beta float64, j0, j1 int) float64 {
	c := func(j int) float64 { return (1 - beta) / (1 - math.Pow(beta, float64(j+1))) }
	c0, c1 := c(j0), c(j1)
	b2 := beta * beta
	geo := func(n int) float64 { // Σ_{t<n} β^(2t)
		if beta == 0 {
			return 1
		}
		return (1 - math.Pow(b2, float64(n))) / (1 - b2)
	}
	dj := j1 - j0
	a := c1*math.Pow(beta, float64(dj)) - c0
	return math.Sqrt(a*a*geo(j0+1) + c1*c1*geo(dj))
}

// assess sets Unsupported, Significant and Threshold (see RangeResult) for
// the suggestion at index sug (-1: none) among the points first..last.
func (res *RangeResult) assess(beta float64, first, last, sug int, stopped bool) {
	m := float64(last - first + 1)
	z := math.Sqrt2 * math.Erfcinv(2*0.01/m)
	res.Threshold = z
	sm, sigma := res.Smoothed, res.Noise
	beyond := func(fall float64, j0, j1 int) bool { return fall > z*sigma*emaDiffNorm(beta, j0, j1) }
	if k := res.steepestFall(first, last, func(k int) bool { return beyond(sm[k-1]-sm[k+1], k-1, k+1) }); k >= 0 {
		res.Significant = res.Rates[k]
	}
	switch {
	case sug < 0:
		res.Unsupported = "the smoothed loss never falls"
	case math.IsNaN(res.Significant):
		res.Unsupported = fmt.Sprintf("the smoothed loss never falls beyond its noise (by %.3g standard deviations; the losses scatter by %.3g): a rate picked from noise",
			z, sigma)
	case !beyond(sm[sug-1]-sm[sug+1], sug-1, sug+1):
		res.Unsupported = fmt.Sprintf("the fall of the smoothed loss at the suggested rate (%.3g) is within its noise (%.3g standard deviations would be %.3g; the losses scatter by %.3g): a rate picked from noise",
			sm[sug-1]-sm[sug+1], z, z*sigma*emaDiffNorm(beta, sug-1, sug+1), sigma)
	case sug == first:
		res.Unsupported = "the steepest fall is at the low end of the range: the loss may fall as steeply at lower rates"
	case sug == last && !stopped:
		res.Unsupported = "the steepest fall is at the high end of the range and the loss had not blown up: it may fall more steeply at higher rates"
	}
}
