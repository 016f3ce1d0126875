package enet

import (
	"context"
	"errors"
	"testing"
)

// A setting that would change nothing in the call is refused by name: each
// of these was once documented as ignored and dropped.
func TestRefusesUnused(t *testing.T) {
	x, y := synthetic(40, 3, 5)
	ctx := context.Background()
	grid := []float64{1, 0.1}
	ids := make([]int, 40)
	for i := range ids {
		ids[i] = i % 4
	}
	for _, c := range []struct {
		run   func() error
		field string
	}{
		{func() error {
			_, err := Fit(ctx, x, y, 0.1, 1, &Settings{Solver: ProximalGradient, Update: Naive})
			return err
		}, "Update"},
		{func() error {
			_, err := Path(ctx, x, y, 1, &PathSettings{Alphas: grid, NumAlphas: 5})
			return err
		}, "NumAlphas"},
		{func() error {
			_, err := Path(ctx, x, y, 1, &PathSettings{Alphas: grid, Eps: 1e-2})
			return err
		}, "Eps"},
		{func() error { // the moments' path refuses it as the rows' does
			st := resolve(nil, 40, 3)
			_, err := PathMoments(ctx, momentsOf(t, x, y, &st), 1, &PathSettings{Alphas: grid, NumAlphas: 5})
			return err
		}, "NumAlphas"},
		{func() error {
			_, err := CV(ctx, x, y, &CVSettings{FoldIDs: ids, Folds: 4})
			return err
		}, "Folds"},
		{func() error {
			_, err := CV(ctx, x, y, &CVSettings{FoldIDs: ids, Seed: 7})
			return err
		}, "Seed"},
		{func() error {
			_, err := CV(ctx, x, y, &CVSettings{PathSettings: PathSettings{Alphas: grid, Eps: 1e-2}})
			return err
		}, "Eps"},
		{func() error {
			_, err := RidgeLOO(ctx, x, y, grid, &Settings{Tol: 1e-9})
			return err
		}, "Tol"},
		{func() error {
			_, err := RidgeLOO(ctx, x, y, grid, &Settings{Solver: ProximalGradient})
			return err
		}, "Solver"},
	} {
		var se *SettingsError
		if err := c.run(); !errors.As(err, &se) || se.Field != c.field {
			t.Errorf("error %v, want a SettingsError on %s", err, c.field)
		}
	}
	// Where they apply, the same fields are accepted.
	if _, err := Fit(ctx, x, y, 0.1, 1, &Settings{Update: Naive}); err != nil {
		t.Error(err)
	}
	if _, err := CV(ctx, x, y, &CVSettings{FoldIDs: ids, PathSettings: PathSettings{Alphas: grid}}); err != nil {
		t.Error(err)
	}
}

// Result.Linear names nil features as every other model does (lsq.NewLinear)
// and copies the coefficients.
func TestLinearNames(t *testing.T) {
	r := &Result{Coef: []float64{1, 2}, Intercept: 3}
	m := r.Linear(nil)
	m.Coef[0] = 9
	if m.Features[0] != "x1" || m.Features[1] != "x2" || r.Coef[0] != 1 {
		t.Errorf("Linear(nil) = %+v; result coef %v", m, r.Coef)
	}
}
