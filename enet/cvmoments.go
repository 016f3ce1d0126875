package enet

import (
	"context"
	"fmt"
)

// FoldMoments are one fold of a cross-validation from moments (CVMoments).
type FoldMoments struct {
	// Train are the moments of the rows outside the fold, about their own
	// means: the training set's problem, as for rows.
	Train Moments

	// Test are the moments of the fold's own rows, about their own means
	// (with an intercept), from which the held-out error is read. Not read
	// when Weight is zero.
	Test Moments

	// Weight is W_k, the fold's total observation weight (its number of
	// rows when unweighted): it weighs the fold's error in the CV mean and
	// standard error.
	Weight float64
}

// CVMoments is CV for rows that are not at hand, from the moments of the
// full data and of each fold's training and held-out rows (stream.FoldCV
// forms them in one pass over files). It is CV's cross-validation: the
// grid for each ρ is Path's on full (PathMoments' grid), each fold fits
// the path at exactly those α on its training moments, the fold errors are
// combined by CV's mean and standard error and its minimum and
// one-standard-error rules, and the refit is the path on full down to the
// chosen α. The one difference is the held-out error, read off the fold's
// moments instead of its rows: for coefficients β and intercept b,
//
//	e_k = Σ_k v_i (y_i − b − x_iᵀβ)² = Test.MSE(β) + (ȳ_k − b − x̄_kᵀβ)²,
//
// v the weights normalised over the fold, x̄_k and ȳ_k its own means: the
// mean square of the residual is its variance about the fold's mean, a
// quadratic form in the fold's centred moments, plus its mean squared.
// The training intercept b = ȳ − x̄ᵀβ is fitted to the training mean, not
// the fold's, so the second term is not zero. Without an intercept the
// moments are about the origin, b = 0 and e_k = Test.MSE(β). The form's
// error is Moments.MSE's, about ε/(1 − R²) of e_k.
//
// FoldIDs, Folds and Seed of s are not read (the folds are given);
// s.Settings is refused as PathMoments refuses it. It panics as CV does,
// and with fewer than two folds.
func CVMoments(ctx context.Context, full *Moments, folds []FoldMoments, s *CVSettings) (*CVResult, error) {
	var cs CVSettings
	if s != nil {
		cs = *s
	}
	ratios := cs.ratios()
	if len(folds) < 2 {
		panic(fmt.Sprintf("enet: %d folds, need at least 2", len(folds)))
	}
	st, err := momentsSettings(full, &cs.Settings)
	if err == nil {
		err = cs.PathSettings.unused()
	}
	if err != nil {
		return nil, err
	}
	fp, err := momentsProblem(full, &st)
	if err != nil {
		return nil, err
	}
	k := len(folds)
	fw := make([]float64, k)
	for f := range folds {
		fw[f] = folds[f].Weight
	}
	res := &CVResult{}
	for _, rho := range ratios {
		amax := fp.alphaMax(rho)
		if err := fp.checkAlphaMax(amax, &cs.PathSettings); err != nil {
			return nil, err
		}
		alphas := cs.PathSettings.grid(amax)
		errs := make([][]float64, k) // errs[fold][α]
		for f := range folds {
			fm := &folds[f]
			p, fst, err := momentsTrain(&fm.Train, &cs.Settings)
			if err != nil {
				return nil, fmt.Errorf("enet: fold %d: %w", f, err)
			}
			pr, err := p.path(ctx, fst, rho, alphas, amax, nil)
			if err != nil {
				return nil, err
			}
			errs[f] = make([]float64, len(alphas))
			if fw[f] > 0 {
				for a, pt := range pr.Points {
					errs[f][a] = fm.Test.heldOut(pt.Coef, pt.Intercept)
				}
			}
		}
		res.Curves = append(res.Curves, curve(rho, amax, alphas, errs, fw))
	}
	if err := res.choose(ctx, fp, &st, cs.OneSE); err != nil {
		return nil, err
	}
	return res, nil
}

// momentsTrain is the problem of a fold's training moments and its
// settings.
func momentsTrain(m *Moments, s *Settings) (*problem, *settings, error) {
	st, err := momentsSettings(m, s)
	if err != nil {
		return nil, nil, err
	}
	p, err := momentsProblem(m, &st)
	return p, &st, err
}

// heldOut is the weighted mean squared residual Σv_i(y_i − b − x_iᵀcoef)²
// over the rows of m for any intercept b: MSE(coef), the variance of the
// residual about its mean, plus the squared mean ȳ − b − x̄ᵀcoef (b must be
// zero without an intercept, the moments being about the origin).
func (m *Moments) heldOut(coef []float64, b float64) float64 {
	e := m.MSE(coef)
	if !m.Intercept {
		return e
	}
	r := m.YMean - b
	for j, c := range coef {
		r -= m.Mean[j] * c
	}
	return e + r*r
}
