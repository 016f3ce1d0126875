package cli

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/lsqgo/lsq/modelio"
	"github.com/lsqgo/lsq/optim"
)

// A checkpoint is a model file whose State carries the optimiser's state:
// State.Extra["checkpoint"] is optim.Checkpoint's binary encoding (base64 in
// the JSON) and State.Extra["checkpoint_sha256"] its SHA-256, so that
// --resume refuses a state that was damaged or edited after it was written
// instead of continuing from garbage. The file itself is written atomically
// (internal/fsutil), so a crash while writing it leaves the previous one.

// checkpointState is the State of a model file for the checkpoint cp.
func checkpointState(cp *optim.Checkpoint) *modelio.State {
	b, err := cp.MarshalBinary()
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(b)
	return &modelio.State{Params: cp.X, Epoch: cp.Epoch, Step: cp.Step,
		Extra: map[string]any{"checkpoint": b, "checkpoint_sha256": hex.EncodeToString(sum[:])}}
}

// checkpointOf decodes the optimiser state a model file carries, if any,
// and checks it: its checksum (files written before checksums were kept
// have none), and its agreement with the parameters and epoch stated in the
// file.
func checkpointOf(m *modelio.Model) (*optim.Checkpoint, error) {
	if m.State == nil || m.State.Extra == nil {
		return nil, nil
	}
	raw, ok := m.State.Extra["checkpoint"].(string)
	if !ok {
		return nil, nil
	}
	damaged := func(format string, a ...any) error {
		return fmt.Errorf("the optimiser state is damaged: %s; write the checkpoint again (or start afresh without --resume)", fmt.Sprintf(format, a...))
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, damaged("%v", err)
	}
	if want, ok := m.State.Extra["checkpoint_sha256"]; ok {
		sum := sha256.Sum256(b)
		if s, _ := want.(string); s != hex.EncodeToString(sum[:]) {
			return nil, damaged("its SHA-256 checksum does not match (the file was changed after it was written)")
		}
	}
	cp := new(optim.Checkpoint)
	if err := cp.UnmarshalBinary(b); err != nil {
		return nil, damaged("%v", err)
	}
	if cp.Epoch < 0 || cp.Step < 0 || cp.Epoch != m.State.Epoch || cp.Step != m.State.Step {
		return nil, damaged("it is at epoch %d, step %d; the file says epoch %d, step %d", cp.Epoch, cp.Step, m.State.Epoch, m.State.Step)
	}
	if len(cp.X) != len(m.State.Params) {
		return nil, damaged("it has %d parameters, the file %d", len(cp.X), len(m.State.Params))
	}
	for i, v := range cp.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, damaged("parameter %d is %v", i+1, v)
		}
		if math.Float64bits(v) != math.Float64bits(m.State.Params[i]) {
			return nil, damaged("parameter %d is %v, the file says %v", i+1, v, m.State.Params[i])
		}
	}
	return cp, nil
}
