package net

import (
	"context"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/lsqgo/lsq/optim"
)

// Settings that would change nothing are refused by name before any
// training: each of these was once accepted and dropped.
func TestRefusesUnused(t *testing.T) {
	x := mat.NewDense(8, 1, []float64{-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2})
	y := mat.NewDense(8, 1, []float64{4, 2.25, 1, 0.25, 0.25, 1, 2.25, 4})
	for _, c := range []struct {
		s    Settings
		want string
	}{
		{Settings{LM: true, Optim: optim.Settings{Seed: 3}}, "Optim.Seed does not apply with LM"},
		{Settings{LM: true, Optim: optim.Settings{GradTol: 1e-6}}, "Optim.GradTol does not apply with LM"},
		{Settings{ValW: []float64{1, 1}}, "need validation rows"},
		{Settings{Optim: optim.Settings{Patience: 3}}, "need validation rows"},
		{Settings{Optimizer: &optim.GD{}, Optim: optim.Settings{BatchSize: 4}}, "Settings.BatchSize does not apply"},
		{Settings{Optimizer: &optim.LBFGS{}, Optim: optim.Settings{Average: true}}, "Settings.Average does not apply"},
		{Settings{GapTol: 1e-6}, "GapTol bounds the gap to an exact optimum"},
		{Settings{Activations: []Activation{Identity}, Optim: optim.Settings{Optimum: &optim.Optimum{Objective: 0}}}, "Train computes this network's exact optimum"},
	} {
		c.s.Hidden = []int{2}
		_, err := Train(context.Background(), x, y, &c.s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}
