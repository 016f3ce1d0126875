package enet

// SettingsError is a setting that would change nothing in the call it is
// given to — a naive or covariance Update for FISTA, a grid size beside a
// given grid, a fold count or seed beside given folds, an iterative
// setting for RidgeLOO's closed form — refused rather than ignored.
type SettingsError struct {
	Field  string // the field as Go spells it on the settings passed
	Reason string
}

func (e *SettingsError) Error() string { return "enet: " + e.Field + ": " + e.Reason }

// unused refuses an explicit Update for FISTA, which has no coordinate
// updates.
func (s *Settings) unused() error {
	if s != nil && s.Solver == ProximalGradient && s.Update != AutoUpdate {
		return &SettingsError{"Update", "selects coordinate descent's updates; " + ProximalGradient.String() + " has none"}
	}
	return nil
}

// unused refuses what Settings refuses, and NumAlphas or Eps beside a
// given grid.
func (ps *PathSettings) unused() error {
	if ps == nil {
		return nil
	}
	if err := ps.Settings.unused(); err != nil {
		return err
	}
	if ps.Alphas == nil {
		return nil
	}
	switch {
	case ps.NumAlphas != 0:
		return &SettingsError{"NumAlphas", "sizes the default grid; Alphas gives the grid"}
	case ps.Eps != 0:
		return &SettingsError{"Eps", "ends the default grid; Alphas gives the grid"}
	}
	return nil
}

// unused refuses what PathSettings refuses, and Folds or Seed beside given
// fold ids.
func (cs *CVSettings) unused() error {
	if err := cs.PathSettings.unused(); err != nil {
		return err
	}
	if cs.FoldIDs == nil {
		return nil
	}
	switch {
	case cs.Folds != 0:
		return &SettingsError{"Folds", "is the number of random folds; FoldIDs gives the folds"}
	case cs.Seed != 0:
		return &SettingsError{"Seed", "shuffles the rows into random folds; FoldIDs gives the folds"}
	}
	return nil
}

// ridgeUnused refuses the settings of the iterative solvers, which
// RidgeLOO's closed form does not run.
func ridgeUnused(s *Settings) error {
	if s == nil {
		return nil
	}
	const why = "RidgeLOO solves ridge in closed form, from one eigendecomposition"
	switch {
	case s.Solver != CoordinateDescent:
		return &SettingsError{"Solver", why}
	case s.Update != AutoUpdate:
		return &SettingsError{"Update", why}
	case s.Tol != 0:
		return &SettingsError{"Tol", why}
	case s.MaxIter != 0:
		return &SettingsError{"MaxIter", why}
	}
	return nil
}
