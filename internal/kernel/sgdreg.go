package kernel

// sgdRegMaxD is the largest d for which sgdRowsAVX512 holds θ in registers:
// thirteen chunks of eight (Z16–Z28), which covers 800-byte rows (d = 100).
// A step uses six other vector registers (Z0, Z1, Z4, Z5, Z6, X10) and reads
// the row through memory operands, so the registers would hold up to 26
// chunks (d ≤ 208); each chunk count has its own loop, and the bound keeps
// the code to the sizes measured.
const sgdRegMaxD = 104

// sgdRegChunk is the number of steps of one call of the register kernel,
// ≈ 1 ms at the random-access rate of 800-byte rows: the bound on how long
// it keeps a garbage collection waiting. Tests set it lower.
var sgdRegChunk = 4096
