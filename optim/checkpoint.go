package optim

import (
	"bytes"
	"encoding"
	"encoding/gob"
	"fmt"
	"math/rand/v2"
)

// Checkpoint is the complete state of a fit at an epoch boundary. It
// implements encoding.BinaryMarshaler (exact bits, gob-encoded) so a model
// file can store it.
type Checkpoint struct {
	Epoch, Step   int
	X             []float64
	LR            float64 // the resolved base rate
	First, Prev   float64 // objective at the start and after the last epoch
	Best          float64 // best objective (divergence rule)
	BestVal       float64 // early stopping: best validation loss, its weights
	BestX         []float64
	Wait          int
	RNG           []byte // PCG state
	Optimizer     []byte
	Schedule      []byte
	ScheduleState bool
	// AvgX is the running average of the iterates reported and AvgN the
	// number of iterates in it (Settings.Average), TailX and TailN the
	// average begun at the last restart, which takes over at the next
	// (run.restartAverage); X is then the last iterate, from which the
	// updates continue. A checkpoint without TailX resumes with the tail
	// taken as AvgX.
	AvgX  []float64
	AvgN  int
	TailX []float64
	TailN int
}

// MarshalBinary encodes the checkpoint with encoding/gob, which keeps the
// exact bits of every float (NaN and ±Inf included).
func (c *Checkpoint) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode((*checkpointData)(c))
	return b.Bytes(), err
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (c *Checkpoint) UnmarshalBinary(b []byte) error {
	*c = Checkpoint{}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode((*checkpointData)(c)); err != nil {
		return fmt.Errorf("optim: reading checkpoint: %w", err)
	}
	return nil
}

// checkpointData has Checkpoint's fields without its methods, for gob.
type checkpointData Checkpoint

// checkpoint is the state from which Settings.Resume continues the run
// exactly: the point, counters and stopping-test values, the generator,
// and the optimiser's and schedule's states when they have any.
func (m *run) checkpoint(pr *progress, pcg *rand.PCG) *Checkpoint {
	c := &Checkpoint{
		Epoch: pr.epoch, Step: m.step, X: append([]float64(nil), m.x...), LR: m.baseLR,
		First: pr.first, Prev: pr.prev, Best: pr.best, BestVal: pr.bestVal, Wait: pr.wait,
	}
	if pr.bestX != nil {
		c.BestX = append([]float64(nil), pr.bestX...)
	}
	if m.avg != nil {
		c.AvgX, c.AvgN = append([]float64(nil), m.avg...), m.avgN
		c.TailX, c.TailN = append([]float64(nil), m.tail...), m.tailN
	}
	c.RNG, _ = pcg.MarshalBinary()
	if st, ok := m.o.(encoding.BinaryMarshaler); ok {
		c.Optimizer, _ = st.MarshalBinary()
	}
	if sm, ok := m.s.Schedule.(encoding.BinaryMarshaler); ok {
		c.Schedule, _ = sm.MarshalBinary()
		c.ScheduleState = true
	}
	return c
}

// restore loads the generator, optimiser and schedule state of a checkpoint.
func (m *run) restore(cp *Checkpoint, pcg *rand.PCG) error {
	if err := pcg.UnmarshalBinary(cp.RNG); err != nil {
		return fmt.Errorf("optim: checkpoint generator state: %w", err)
	}
	if st, ok := m.o.(encoding.BinaryUnmarshaler); ok {
		if err := st.UnmarshalBinary(cp.Optimizer); err != nil {
			return fmt.Errorf("optim: checkpoint does not fit this optimiser (%T): %w", m.o, err)
		}
	}
	su, ok := m.s.Schedule.(encoding.BinaryUnmarshaler)
	switch {
	case ok && cp.ScheduleState:
		if err := su.UnmarshalBinary(cp.Schedule); err != nil {
			return fmt.Errorf("optim: checkpoint does not fit this schedule (%T): %w", m.s.Schedule, err)
		}
	case ok != cp.ScheduleState:
		return fmt.Errorf("optim: checkpoint schedule state (%v) does not fit the schedule %T", cp.ScheduleState, m.s.Schedule)
	}
	return nil
}
