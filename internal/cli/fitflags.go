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
	kv := map[string]string{}
	if args != "" {
		for _, p := range strings.Split(args, ",") {
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return nil, usagef("--schedule %q: %q is not key=value", spec, p)
			}
			kv[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	used := map[string]bool{}
	num := func(key string, def, lo, hi float64, loOpen bool) (float64, error) {
		used[key] = true
		s, ok := kv[key]
		if !ok {
			return def, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v > hi || v < lo || (loOpen && v == lo) || math.IsNaN(v) {
			rng := fmt.Sprintf("[%g, %g]", lo, hi)
			if loOpen {
				rng = fmt.Sprintf("(%g, %g]", lo, hi)
			}
			return 0, usagef("--schedule %s: %s=%q must be a number in %s", name, key, s, rng)
		}
		return v, nil
	}
	integer := func(key string, def int) (int, error) {
		v, err := num(key, float64(def), 1, 1e12, false)
		if err != nil {
			return 0, err
		}
		if v != math.Trunc(v) {
			return 0, usagef("--schedule %s: %s must be a whole number", name, key)
		}
		return int(v), nil
	}
	var sch schedule.Schedule
	var err error
	switch name {
	case "", "constant":
		sch = schedule.Constant{}
	case "step":
		var st schedule.Step
		if st.Every, err = integer("every", 10); err == nil {
			st.Gamma, err = num("gamma", 0.1, 0, 1, true)
		}
		sch = st
	case "exponential", "exp":
		var e schedule.Exponential
		e.Gamma, err = num("gamma", 0.99, 0, 1, true)
		sch = e
	case "invscaling":
		var is schedule.InvScaling
		is.Power, err = num("power", 0.25, 0, 10, false)
		if err == nil && is.Power == 0 {
			is.Power = 0.25
		}
		sch = is
	case "cosine":
		var c schedule.Cosine
		if c.Period, err = integer("period", 100); err == nil {
			if c.Min, err = num("min", 0, 0, 1, false); err == nil {
				used["restarts"] = true
				switch kv["restarts"] {
				case "", "false":
				case "true":
					c.Restarts = true
				default:
					err = usagef("--schedule cosine: restarts must be true or false")
				}
				if err == nil {
					c.Mult, err = integer("mult", 1)
				}
			}
		}
		sch = c
	case "plateau":
		p := &schedule.Plateau{}
		if p.Factor, err = num("factor", 0.1, 0, 1, true); err == nil {
			var pat float64
			if pat, err = num("patience", 10, 0, 1e9, false); err == nil {
				p.Patience = int(pat)
				if p.Threshold, err = num("threshold", 1e-4, 0, 1, false); err == nil {
					var cd float64
					cd, err = num("cooldown", 0, 0, 1e9, false)
					p.Cooldown = int(cd)
				}
			}
		}
		sch = p
	default:
		return nil, usagef("--schedule %q: unknown schedule; want constant, step, exponential, invscaling, cosine or plateau", name)
	}
	if err != nil {
		return nil, err
	}
	for k := range kv {
		if !used[k] {
			keys := make([]string, 0, len(used))
			for u := range used {
				keys = append(keys, u)
			}
			sort.Strings(keys)
			return nil, usagef("--schedule %s: unknown setting %q (known: %s)", name, k, strings.Join(keys, ", "))
		}
	}
	if warmup < 0 {
		return nil, usagef("--warmup %d must be 0 or more epochs", warmup)
	}
	if warmup > 0 {
		sch = schedule.Warmup{N: warmup, Then: sch}
	}
	return sch, nil
}

// penaltyFlags are --penalty, --alpha and --l1-ratio.
type penaltyFlags struct {
	Name    string
	Alpha   float64
	L1Ratio float64
}

// build returns the penalty (nil for none and for l2sp, whose reference the
// fit takes from the starting model) after checking the ranges.
func (p penaltyFlags) build() (penalty.Penalty, error) {
	if p.Alpha < 0 || math.IsNaN(p.Alpha) || math.IsInf(p.Alpha, 0) {
		return nil, usagef("--alpha %v must be a finite number ≥ 0", p.Alpha)
	}
	if p.L1Ratio < 0 || p.L1Ratio > 1 || math.IsNaN(p.L1Ratio) {
		return nil, usagef("--l1-ratio %v must be between 0 and 1", p.L1Ratio)
	}
	switch p.Name {
	case "", "none":
		if p.Alpha != 0 {
			return nil, usagef("--alpha needs --penalty l2, l1, elasticnet or l2sp")
		}
		return nil, nil
	case "l2", "ridge":
		return penalty.L2{Alpha: p.Alpha}, nil
	case "l1", "lasso":
		return penalty.L1{Alpha: p.Alpha}, nil
	case "elasticnet", "enet":
		return penalty.ElasticNet{Alpha: p.Alpha, L1Ratio: p.L1Ratio}, nil
	case "l2sp":
		return nil, nil
	}
	return nil, usagef("--penalty %q: want none, l2, l1, elasticnet or l2sp", p.Name)
}
