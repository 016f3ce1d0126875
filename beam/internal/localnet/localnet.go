// Package localnet runs a program in a network namespace of its own whose
// only interface is the loopback, so that the servers it starts cannot be
// reached from other hosts.
//
// Beam v2.77.0's prism job server, which also serves the workers' Fn API,
// listens on ":port", every interface (runners/prism/internal/jobservices,
// NewServer), with no option to bind 127.0.0.1; so do Beam's worker pools
// (container/pool). In a new network namespace a socket that listens on
// every interface listens on the loopback only, since the loopback is the
// only interface there. Files are shared as usual (only the network is
// private), and so nothing inside can reach other hosts either.
package localnet // import "github.com/lsqgo/lsq/beam/internal/localnet"

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// envMarker marks the process that runs inside the private namespace: it
// holds the process id of the Rerun that started it, so that a program the
// rerun process starts in turn, which inherits the variable, is not taken
// for it.
const envMarker = "LSQ_BEAM_PRIVATE_NETWORK"

// Inside reports whether this process was started by Rerun.
func Inside() bool { return os.Getenv(envMarker) == strconv.Itoa(os.Getppid()) }

// ErrUnavailable wraps the error of a system that cannot make a network
// namespace for this user.
var ErrUnavailable = errors.New("cannot create a private network namespace: run as root or where unprivileged user namespaces are allowed")

// Rerun runs this program again with the same arguments in a new network
// namespace, waits for it and returns its exit code; Inside reports true in
// it. As root it creates the namespace directly (as `unshare -n` does);
// otherwise inside a new user namespace that maps only the caller's own
// user and group (as `unshare -n -U --map-user=$(id -u)`), keeping
// CAP_NET_ADMIN there to bring the loopback up. Interrupts are passed on to
// the child, and the child is killed if this process dies.
func Rerun() (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 1, err
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envMarker+"="+strconv.Itoa(os.Getpid()))
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	if uid, gid := os.Getuid(), os.Getgid(); uid != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		attr.AmbientCaps = []uintptr{unix.CAP_NET_ADMIN}
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return 1, fmt.Errorf("%w (%v)", ErrUnavailable, err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sig {
			cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	signal.Stop(sig)
	close(sig)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code >= 0 {
			return code, nil // the child reported its own error
		}
		return 1, fmt.Errorf("in the private network namespace: %v", err)
	}
	return 0, err
}

// LoopbackUp brings up the interface "lo" of the current network namespace,
// which in a new namespace starts down (`ip link set lo up` does the same).
func LoopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bringing lo up: %w", err)
	}
	return nil
}
