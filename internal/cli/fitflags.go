package cli

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/lsqgo/lsq/penalty"
	"github.com/lsqgo/lsq/schedule"
)

// parseRates parses --lr: "auto", a positive number, a comma-separated list
// of numbers, or "grid" (a log grid around the automatic rate, chosen by
// validation loss). It returns nil rates for auto.
func parseRates(s string) (rates []float64, grid bool, err error) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "auto":
		return nil, false, nil
	case "grid":
		return nil, true, nil
	}
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, false, usagef("--lr %q: want auto, grid, a positive number or a comma-separated list of them", s)
		}
		rates = append(rates, v)
	}
	return rates, false, nil
}

// parseSchedule parses --schedule NAME[:key=value,...] and --warmup N.
//
//	constant
//	step:every=K,gamma=G          ×G every K epochs (gamma 0.1)
//	exponential:gamma=G           ×G every epoch
//	invscaling:power=P            η₀/(t+1)^P (power 0.25)
//	cosine:period=T,min=M,restarts=true,mult=2
//	plateau:factor=F,patience=P,threshold=T,cooldown=C
func parseSchedule(spec string, warmup int) (schedule.Schedule, error) {
	name, args, _ := strings.Cut(strings.TrimSpace(spec), ":")
	a, err := parseSpecArgs("--schedule", spec, name, args)
	if err != nil {
		return nil, err
	}
	var sch schedule.Schedule
	switch name {
	case "", "constant":
		sch = schedule.Constant{}
	case "step":
		sch = schedule.Step{Every: a.integer("every", 10), Gamma: a.num("gamma", 0.1, 0, 1, true)}
	case "exponential", "exp":
		sch = schedule.Exponential{Gamma: a.num("gamma", 0.99, 0, 1, true)}
	case "invscaling":
		is := schedule.InvScaling{Power: a.num("power", 0.25, 0, 10, false)}
		if is.Power == 0 {
			is.Power = 0.25
		}
		sch = is
	case "cosine":
		sch = schedule.Cosine{Period: a.integer("period", 100), Min: a.num("min", 0, 0, 1, false),
			Restarts: a.boolean("restarts"), Mult: a.integer("mult", 1)}
	case "plateau":
		sch = &schedule.Plateau{Factor: a.num("factor", 0.1, 0, 1, true), Patience: int(a.num("patience", 10, 0, 1e9, false)),
			Threshold: a.num("threshold", 1e-4, 0, 1, false), Cooldown: int(a.num("cooldown", 0, 0, 1e9, false))}
	default:
		return nil, usagef("--schedule %q: unknown schedule; want constant, step, exponential, invscaling, cosine or plateau", name)
	}
	if err := a.done(); err != nil {
		return nil, err
	}
	if warmup < 0 {
		return nil, usagef("--warmup %d must be 0 or more epochs", warmup)
	}
	if warmup > 0 {
		sch = schedule.Warmup{N: warmup, Then: sch}
	}
	return sch, nil
}

// specArgs are the key=value settings of a flag such as --schedule
// step:every=10,gamma=0.5. Its getters record the keys they know and the
// first bad value; done reports that error, or an unknown key.
type specArgs struct {
	flag, name string
	kv         map[string]string
	used       map[string]bool
	err        error
}

func parseSpecArgs(flag, spec, name, args string) (*specArgs, error) {
	a := &specArgs{flag: flag, name: name, kv: map[string]string{}, used: map[string]bool{}}
	if args == "" {
		return a, nil
	}
	for _, p := range strings.Split(args, ",") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, usagef("%s %q: %q is not key=value", flag, spec, p)
		}
		a.kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return a, nil
}

// num returns the value of key in [lo, hi] ((lo, hi] when loOpen), or def.
func (a *specArgs) num(key string, def, lo, hi float64, loOpen bool) float64 {
	a.used[key] = true
	s, ok := a.kv[key]
	if !ok || a.err != nil {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v > hi || v < lo || (loOpen && v == lo) || math.IsNaN(v) {
		rng := fmt.Sprintf("[%g, %g]", lo, hi)
		if loOpen {
			rng = fmt.Sprintf("(%g, %g]", lo, hi)
		}
		a.err = usagef("%s %s: %s=%q must be a number in %s", a.flag, a.name, key, s, rng)
		return def
	}
	return v
}

// integer returns the whole-number value of key, at least 1, or def.
func (a *specArgs) integer(key string, def int) int {
	v := a.num(key, float64(def), 1, 1e12, false)
	if v != math.Trunc(v) && a.err == nil {
		a.err = usagef("%s %s: %s must be a whole number", a.flag, a.name, key)
	}
	return int(v)
}

// boolean returns the value of key, true or false (default false).
func (a *specArgs) boolean(key string) bool {
	a.used[key] = true
	switch a.kv[key] {
	case "", "false":
		return false
	case "true":
		return true
	}
	if a.err == nil {
		a.err = usagef("%s %s: %s=%q must be true or false", a.flag, a.name, key, a.kv[key])
	}
	return false
}

// done returns the first bad value, or an error naming a key no getter
// asked for.
func (a *specArgs) done() error {
	if a.err != nil {
		return a.err
	}
	for k := range a.kv {
		if !a.used[k] {
			keys := make([]string, 0, len(a.used))
			for u := range a.used {
				keys = append(keys, u)
			}
			sort.Strings(keys)
			return usagef("%s %s: unknown setting %q (known: %s)", a.flag, a.name, k, strings.Join(keys, ", "))
		}
	}
	return nil
}

// penaltyFlags are --penalty, --alpha and --l1-ratio.
type penaltyFlags struct {
	Name    string
	Alpha   float64
	L1Ratio float64
}

// build returns the penalty (nil for none and for l2sp, whose reference the
// fit takes from the starting model) after checking the ranges. A penalty
// needs its strength given (alphaGiven: --alpha on the command line), even
// as 0: --penalty alone would fit with α = 0, no penalty at all.
func (p penaltyFlags) build(alphaGiven bool) (penalty.Penalty, error) {
	if p.Alpha < 0 || math.IsNaN(p.Alpha) || math.IsInf(p.Alpha, 0) {
		return nil, usagef("--alpha %v must be a finite number ≥ 0", p.Alpha)
	}
	if p.L1Ratio < 0 || p.L1Ratio > 1 || math.IsNaN(p.L1Ratio) {
		return nil, usagef("--l1-ratio %v must be between 0 and 1", p.L1Ratio)
	}
	var pen penalty.Penalty
	switch p.Name {
	case "", "none":
		if p.Alpha != 0 {
			return nil, usagef("--alpha needs --penalty l2, l1, elasticnet or l2sp")
		}
		return nil, nil
	case "l2", "ridge":
		pen = penalty.L2{Alpha: p.Alpha}
	case "l1", "lasso":
		pen = penalty.L1{Alpha: p.Alpha}
	case "elasticnet", "enet":
		pen = penalty.ElasticNet{Alpha: p.Alpha, L1Ratio: p.L1Ratio}
	case "l2sp": // nil: the fit pulls toward its starting model
	default:
		return nil, usagef("--penalty %q: want none, l2, l1, elasticnet or l2sp", p.Name)
	}
	if !alphaGiven {
		return nil, usagef("--penalty %s needs --alpha, its strength (without it α = 0: no penalty), e.g. --alpha 0.1", p.Name)
	}
	return pen, nil
}
