package localnet

import (
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
)

// parentNS carries the test's network namespace to the rerun.
const parentNS = "LOCALNET_TEST_PARENT_NS"

// rerunErr is why the tests could not be rerun in a private namespace.
var rerunErr error

// TestMain reruns the tests with Rerun, as lsq-beam does, so they run inside
// the private namespace; where this machine cannot make one they are
// skipped (TestInside says why).
func TestMain(m *testing.M) {
	if !Inside() {
		ns, _ := os.Readlink("/proc/self/ns/net")
		os.Setenv(parentNS, ns)
		code, err := Rerun()
		if err == nil {
			os.Exit(code)
		}
		if !errors.Is(err, ErrUnavailable) {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		rerunErr = err
	}
	os.Exit(m.Run())
}

// Inside the rerun: a network namespace other than the test's, whose only
// interface is the loopback, up after LoopbackUp; a server listening on
// every interface (":0", as prism's does) answers on 127.0.0.1.
func TestInside(t *testing.T) {
	if rerunErr != nil {
		t.Skipf("this machine cannot make a network namespace for this user: %v", rerunErr)
	}
	if ns, _ := os.Readlink("/proc/self/ns/net"); ns == os.Getenv(parentNS) || ns == "" {
		t.Fatalf("network namespace %q, the same as the test's %q", ns, os.Getenv(parentNS))
	}
	if err := LoopbackUp(); err != nil {
		t.Fatal(err)
	}
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	if len(ifs) != 1 || ifs[0].Name != "lo" || ifs[0].Flags&net.FlagUp == 0 {
		t.Fatalf("interfaces %v, want only lo, up", ifs)
	}
	lis, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	go func() {
		if c, err := lis.Accept(); err == nil {
			c.Write([]byte("ok"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lis.Addr().(*net.TCPAddr).Port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 2)
	if _, err := c.Read(buf); err != nil || string(buf) != "ok" {
		t.Fatalf("read %q, %v", buf, err)
	}
}
