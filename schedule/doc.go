// Package schedule provides learning-rate schedules as values.
//
// A Schedule maps a step count t = 0, 1, 2, ... to a factor that multiplies
// the base learning rate η₀:
//
//	η_t = η₀ · Rate(t)
//
// Writing schedules as factors lets one schedule serve a base rate given by
// the user or computed from the data (optim's automatic 1/L). Whether t counts
// epochs or parameter updates is the caller's choice (optim.Settings says
// which); the formulas below are PyTorch's torch.optim.lr_scheduler and
// scikit-learn's, written as factors.
//
// All schedules except Plateau are pure functions of t, so a resumed run
// continues exactly. Plateau reacts to the loss through Observe and carries
// state; it implements encoding.BinaryMarshaler and BinaryUnmarshaler so the
// state can be saved with a model and restored bit for bit (as does Warmup
// when it wraps a Plateau).
package schedule // import "github.com/lsqgo/lsq/schedule"
