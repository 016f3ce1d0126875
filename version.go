package lsq

// Version is the version of the lsq library and command, written into every
// model file and report.
const Version = "0.1.0"
