package enet

import (
	"context"
	"math"
	"testing"
)

// TestGlmnet compares with glmnet 4.1 (testdata/enet/glmnet.json, from
// bench/peers/enet_reference.R at thresh = 1e-14): whole 100-point paths on
// glmnet's own λ sequence, α_max, ridge fits, and cv.glmnet with the stored
// folds. Coefficients are compared to peerTol (1e-6) relative at every
// point; glmnet's stopping rule (largest weighted squared coefficient change
// below thresh) is what limits the agreement.
func TestGlmnet(t *testing.T) {
	pd := readPeerData(t)
	var ref struct {
		SdY   float64 `json:"sd_y"`
		Paths []struct {
			Name        string
			L1Ratio     float64 `json:"l1_ratio"`
			Standardize bool
			Weighted    bool
			YScale      float64 `json:"y_scale"`
			Lambda      []float64
			Intercept   []float64
			Coef        [][]float64
		}
		Ridge struct {
			Lambda           []float64
			Intercept        []float64
			Coef             [][]float64
			LambdaMaxDefault float64 `json:"lambda_max_default"`
		}
		CV         glmnetCV
		CVWeighted glmnetCV `json:"cv_weighted"`
	}
	readJSON(t, "glmnet.json", &ref)
	ctx := context.Background()
	scaled := func(k float64) []float64 {
		ys := make([]float64, len(pd.y))
		for i, v := range pd.y {
			ys[i] = v / k
		}
		return ys
	}
	for _, c := range ref.Paths {
		t.Run(c.Name, func(t *testing.T) {
			ps := &PathSettings{Settings: Settings{Unstandardized: !c.Standardize, Tol: 1e-13}}
			if c.Weighted {
				ps.Weights = pd.w
			}
			y := scaled(c.YScale)
			// glmnet's first λ is its α_max.
			def, err := Path(ctx, pd.x, y, c.L1Ratio, &PathSettings{Settings: ps.Settings, NumAlphas: 1})
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(def.AlphaMax-c.Lambda[0]) / c.Lambda[0]; d > 1e-12 {
				t.Errorf("α_max %v, glmnet %v", def.AlphaMax, c.Lambda[0])
			}
			ps.Alphas = c.Lambda
			p, err := Path(ctx, pd.x, y, c.L1Ratio, ps)
			if err != nil {
				t.Fatal(err)
			}
			var worst float64
			for k, pt := range p.Points {
				e := relErr(pt.Coef, pt.Intercept, c.Coef[k], c.Intercept[k])
				worst = math.Max(worst, e)
				if e > peerTol {
					t.Errorf("λ[%d] = %.4g: differs from glmnet by %.3g\n got %v %v\nwant %v %v", k, c.Lambda[k], e, pt.Coef, pt.Intercept, c.Coef[k], c.Intercept[k])
				}
			}
			t.Logf("largest relative difference along the path %.2g", worst)
		})
	}
	t.Run("ridge", func(t *testing.T) {
		y := scaled(ref.SdY)
		for k, l := range ref.Ridge.Lambda {
			r, err := Fit(ctx, pd.x, y, l, 0, &Settings{Tol: 1e-13})
			if err != nil {
				t.Fatal(err)
			}
			if e := relErr(r.Coef, r.Intercept, ref.Ridge.Coef[k], ref.Ridge.Intercept[k]); e > peerTol {
				t.Errorf("λ=%v: differs from glmnet by %.3g", l, e)
			}
		}
		p, err := Path(ctx, pd.x, y, 0, &PathSettings{NumAlphas: 1})
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(p.AlphaMax-ref.Ridge.LambdaMaxDefault) / p.AlphaMax; d > 1e-12 {
			t.Errorf("ridge α_max %v, glmnet %v", p.AlphaMax, ref.Ridge.LambdaMaxDefault)
		}
	})
	t.Run("cv", func(t *testing.T) { checkGlmnetCV(t, pd, pd.y, nil, 1, ref.CV) })
	t.Run("cv-weighted", func(t *testing.T) {
		c := ref.CVWeighted
		checkGlmnetCV(t, pd, scaled(c.YScale), pd.w, c.L1Ratio, c)
	})
}

type glmnetCV struct {
	L1Ratio   float64 `json:"l1_ratio"`
	YScale    float64 `json:"y_scale"`
	Lambda    []float64
	Cvm, Cvsd []float64
	LambdaMin float64 `json:"lambda_min"`
	Lambda1SE float64 `json:"lambda_1se"`
}

func checkGlmnetCV(t *testing.T, pd peerData, y, w []float64, rho float64, ref glmnetCV) {
	cs := &CVSettings{FoldIDs: pd.fold, L1Ratios: []float64{rho}}
	cs.Alphas = ref.Lambda
	cs.Weights = w
	cs.Tol = 1e-13
	r, err := CV(context.Background(), pd.x, y, cs)
	if err != nil {
		t.Fatal(err)
	}
	c := r.Curves[0]
	if e := maxRelDiff(c.MSE, ref.Cvm); e > peerTol {
		t.Errorf("cvm differs by %.3g", e)
	}
	if e := maxRelDiff(c.SE, ref.Cvsd); e > peerTol {
		t.Errorf("cvsd differs by %.3g", e)
	}
	if r.AlphaMin != ref.LambdaMin || r.Alpha1SE != ref.Lambda1SE {
		t.Errorf("α_min %v α_1se %v, glmnet %v %v", r.AlphaMin, r.Alpha1SE, ref.LambdaMin, ref.Lambda1SE)
	}
	t.Logf("cvm to %.2g, cvsd to %.2g", maxRelDiff(c.MSE, ref.Cvm), maxRelDiff(c.SE, ref.Cvsd))
}
