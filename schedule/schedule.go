package schedule

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Schedule gives the learning-rate factor for step t ≥ 0.
type Schedule interface {
	Rate(t int) float64
}

// Observer is implemented by schedules that react to the loss. The driver
// calls Observe once per epoch with the validation loss when there is a
// validation set, and with the training objective otherwise.
type Observer interface {
	Observe(loss float64)
}

var (
	_ Schedule                   = Constant{}
	_ Schedule                   = Step{}
	_ Schedule                   = Exponential{}
	_ Schedule                   = InvScaling{}
	_ Schedule                   = Cosine{}
	_ Schedule                   = Warmup{}
	_ Schedule                   = (*Plateau)(nil)
	_ Observer                   = (*Plateau)(nil)
	_ Observer                   = Warmup{}
	_ encoding.BinaryMarshaler   = (*Plateau)(nil)
	_ encoding.BinaryUnmarshaler = (*Plateau)(nil)
)

func checkStep(t int) {
	if t < 0 {
		panic(fmt.Sprintf("schedule: negative step %d", t))
	}
}

// Constant keeps the base rate: Rate(t) = 1.
type Constant struct{}

// Rate returns 1.
func (Constant) Rate(t int) float64 { checkStep(t); return 1 }

// Step multiplies the rate by Gamma every Every steps (PyTorch's StepLR):
//
//	Rate(t) = Gamma^⌊t/Every⌋
//
// Gamma 0 means PyTorch's default 0.1. Every must be positive and Gamma in
// (0, 1]; Rate panics otherwise.
type Step struct {
	Every int
	Gamma float64
}

// Rate returns Gamma^⌊t/Every⌋.
func (s Step) Rate(t int) float64 {
	checkStep(t)
	g := s.Gamma
	if g == 0 {
		g = 0.1
	}
	if s.Every <= 0 || !(g > 0 && g <= 1) {
		panic(fmt.Sprintf("schedule: Step needs Every > 0 and Gamma in (0, 1], got %d and %v", s.Every, s.Gamma))
	}
	return math.Pow(g, float64(t/s.Every))
}

// Exponential decays the rate by Gamma every step (PyTorch's ExponentialLR):
//
//	Rate(t) = Gamma^t
//
// Gamma must be in (0, 1]; Rate panics otherwise.
type Exponential struct {
	Gamma float64
}

// Rate returns Gamma^t.
func (s Exponential) Rate(t int) float64 {
	checkStep(t)
	if !(s.Gamma > 0 && s.Gamma <= 1) {
		panic(fmt.Sprintf("schedule: Exponential needs Gamma in (0, 1], got %v", s.Gamma))
	}
	return math.Pow(s.Gamma, float64(t))
}

// InvScaling is scikit-learn's "invscaling" rate η₀/tᵖ with t counted from 1:
//
//	Rate(t) = 1/(t+1)^Power
//
// Power 0 means scikit-learn's default power_t = 0.25; a negative Power panics.
type InvScaling struct {
	Power float64
}

// Rate returns (t+1)^(−Power).
func (s InvScaling) Rate(t int) float64 {
	checkStep(t)
	p := s.Power
	if p == 0 {
		p = 0.25
	}
	if !(p > 0) {
		panic(fmt.Sprintf("schedule: InvScaling needs Power > 0, got %v", s.Power))
	}
	return math.Pow(float64(t+1), -p)
}

// Cosine is cosine annealing (Loshchilov & Hutter 2017, "SGDR"; PyTorch's
// CosineAnnealingLR and CosineAnnealingWarmRestarts) from 1 down to Min over
// a period of Period steps:
//
//	Rate(t) = Min + (1 − Min)·(1 + cos(π·t_cur/T))/2
//
// Without Restarts, t_cur = t and T = Period, and the factor stays at Min once
// t ≥ Period. With Restarts the schedule starts again at 1 after each period,
// and each period is Mult times longer than the one before (Mult 0 means 1).
// Period must be positive and Min in [0, 1]; Rate panics otherwise.
type Cosine struct {
	Period   int
	Min      float64
	Restarts bool
	Mult     int
}

// Rate returns the cosine-annealed factor for step t.
func (s Cosine) Rate(t int) float64 {
	checkStep(t)
	if s.Period <= 0 || !(s.Min >= 0 && s.Min <= 1) || s.Mult < 0 {
		panic(fmt.Sprintf("schedule: Cosine needs Period > 0, Min in [0, 1], Mult ≥ 0; got %d, %v, %d", s.Period, s.Min, s.Mult))
	}
	cur, period := t, s.Period
	if s.Restarts {
		mult := s.Mult
		if mult == 0 {
			mult = 1
		}
		for cur >= period {
			cur -= period
			period *= mult
		}
	} else if cur >= period {
		return s.Min
	}
	return s.Min + (1-s.Min)*(1+math.Cos(math.Pi*float64(cur)/float64(period)))/2
}

// Warmup raises the rate linearly over the first N steps and then follows
// Then (Goyal et al. 2017, "Accurate, large minibatch SGD"):
//
//	Rate(t) = (t+1)/N            for t < N
//	Rate(t) = Then.Rate(t − N)   for t ≥ N
//
// A nil Then means Constant. Observe and the binary (un)marshalling are
// passed through to Then when it supports them.
type Warmup struct {
	N    int
	Then Schedule
}

// Rate returns the warm-up factor, or Then's after N steps.
func (s Warmup) Rate(t int) float64 {
	checkStep(t)
	if s.N < 0 {
		panic(fmt.Sprintf("schedule: Warmup needs N ≥ 0, got %d", s.N))
	}
	if t < s.N {
		return float64(t+1) / float64(s.N)
	}
	if s.Then == nil {
		return 1
	}
	return s.Then.Rate(t - s.N)
}

// Observe passes loss to Then if Then is an Observer.
func (s Warmup) Observe(loss float64) {
	if o, ok := s.Then.(Observer); ok {
		o.Observe(loss)
	}
}

// MarshalBinary returns Then's state, or nothing when Then has none.
func (s Warmup) MarshalBinary() ([]byte, error) {
	if m, ok := s.Then.(encoding.BinaryMarshaler); ok {
		return m.MarshalBinary()
	}
	return nil, nil
}

// UnmarshalBinary restores Then's state.
func (s Warmup) UnmarshalBinary(b []byte) error {
	if m, ok := s.Then.(encoding.BinaryUnmarshaler); ok {
		return m.UnmarshalBinary(b)
	}
	if len(b) != 0 {
		return errors.New("schedule: Warmup has no state to restore")
	}
	return nil
}

// Plateau reduces the rate when the observed loss stops improving (PyTorch's
// ReduceLROnPlateau in mode "min" with a relative threshold). After each
// Observe(loss): if loss < best·(1 − Threshold) it becomes the new best;
// otherwise a bad epoch is counted, and after more than Patience bad epochs in
// a row the factor is multiplied by Factor (not below MinFactor), the count is
// reset and the next Cooldown observations are ignored.
//
// Zero values mean PyTorch's defaults: Factor 0.1, Patience 10, Threshold
// 1e-4; Cooldown and MinFactor default to 0. Use a *Plateau: it carries state.
// Rate ignores t and returns the current factor (1 until the first reduction).
type Plateau struct {
	Factor    float64
	Patience  int
	Threshold float64
	Cooldown  int
	MinFactor float64

	started  bool
	factor   float64
	best     float64
	bad      int
	cooldown int
}

func (p *Plateau) params() (factor float64, patience int, threshold float64) {
	factor, patience, threshold = p.Factor, p.Patience, p.Threshold
	if factor == 0 {
		factor = 0.1
	}
	if patience == 0 {
		patience = 10
	}
	if threshold == 0 {
		threshold = 1e-4
	}
	if !(factor > 0 && factor < 1) || patience < 0 || !(threshold >= 0) || p.Cooldown < 0 || !(p.MinFactor >= 0) {
		panic(fmt.Sprintf("schedule: invalid Plateau %+v", *p))
	}
	return factor, patience, threshold
}

func (p *Plateau) start() {
	if !p.started {
		p.started, p.factor, p.best = true, 1, math.Inf(1)
	}
}

// Rate returns the current factor.
func (p *Plateau) Rate(t int) float64 {
	checkStep(t)
	p.start()
	return p.factor
}

// Observe records one epoch's loss and reduces the factor after a plateau.
// A NaN loss counts as a bad epoch.
func (p *Plateau) Observe(loss float64) {
	factor, patience, threshold := p.params()
	p.start()
	// The order of these steps is PyTorch's ReduceLROnPlateau.step.
	if loss < p.best*(1-threshold) {
		p.best, p.bad = loss, 0
	} else {
		p.bad++
	}
	if p.cooldown > 0 {
		p.cooldown--
		p.bad = 0
	}
	if p.bad > patience {
		p.factor = math.Max(p.factor*factor, p.MinFactor)
		p.bad = 0
		p.cooldown = p.Cooldown
	}
}

// Reset forgets the observed losses and restores the factor 1.
func (p *Plateau) Reset() { p.started, p.bad, p.cooldown = false, 0, 0 }

const plateauStateLen = 1 + 8 + 8 + 8 + 8

// MarshalBinary encodes the observed state (not the settings) exactly.
func (p *Plateau) MarshalBinary() ([]byte, error) {
	p.start()
	b := make([]byte, 0, plateauStateLen)
	b = append(b, 1) // format version
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.factor))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.best))
	b = binary.LittleEndian.AppendUint64(b, uint64(p.bad))
	b = binary.LittleEndian.AppendUint64(b, uint64(p.cooldown))
	return b, nil
}

// UnmarshalBinary restores the state written by MarshalBinary.
func (p *Plateau) UnmarshalBinary(b []byte) error {
	if len(b) != plateauStateLen || b[0] != 1 {
		return fmt.Errorf("schedule: Plateau state has %d bytes (version %v), want %d (version 1)", len(b), b[:min(1, len(b))], plateauStateLen)
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[1+8*i:]) }
	p.started = true
	p.factor = math.Float64frombits(u(0))
	p.best = math.Float64frombits(u(1))
	p.bad = int(u(2))
	p.cooldown = int(u(3))
	return nil
}
