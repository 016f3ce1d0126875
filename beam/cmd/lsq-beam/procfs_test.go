package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file reads Linux's /proc (proc(5)) to see the processes of a run and
// the sockets they listen on.

// descendants returns the processes below root, by their parent ids in
// /proc/PID/stat.
func descendants(root int) []int {
	parent := map[int]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 {
			parent[pid], _ = strconv.Atoi(f[1])
		}
	}
	var out []int
	seen := map[int]bool{root: true}
	for grew := true; grew; {
		grew = false
		for pid, pp := range parent {
			if seen[pp] && !seen[pid] {
				seen[pid] = true
				out = append(out, pid)
				grew = true
			}
		}
	}
	return out
}

// cmdline returns the arguments of a process joined by spaces.
func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}

// openFiles returns the targets of a process's file descriptors: paths, and
// "socket:[INODE]" for sockets.
func openFiles(pid int) []string {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if t, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil {
			out = append(out, t)
		}
	}
	return out
}

// socketInodes returns the inodes of a process's sockets.
func socketInodes(pid int) map[string]bool {
	m := map[string]bool{}
	for _, t := range openFiles(pid) {
		if in, ok := strings.CutPrefix(t, "socket:["); ok {
			m[strings.TrimSuffix(in, "]")] = true
		}
	}
	return m
}

// netns names a process's network namespace ("net:[4026531840]").
func netns(pid string) string {
	t, _ := os.Readlink(fmt.Sprintf("/proc/%s/ns/net", pid))
	return t
}

// interfaces lists the network interfaces of the namespace of a process
// ("self" for this one), from /proc/PID/net/dev.
func interfaces(pid string) []string {
	f, err := os.Open(fmt.Sprintf("/proc/%s/net/dev", pid))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, _, ok := strings.Cut(sc.Text(), ":"); ok {
			out = append(out, strings.TrimSpace(name))
		}
	}
	return out
}

// listener is a TCP socket in state LISTEN.
type listener struct {
	IP    net.IP
	Port  int
	Inode string
}

func (l listener) String() string {
	return fmt.Sprintf("%s (socket inode %s)", net.JoinHostPort(l.IP.String(), strconv.Itoa(l.Port)), l.Inode)
}

// listeners reads the listening sockets of /proc/PID/net/tcp and tcp6 (PID
// "self" for this process's network namespace).
func listeners(pid string) ([]listener, error) {
	var out []listener
	for _, name := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%s/net/%s", pid, name))
		if err != nil {
			if name == "tcp6" && os.IsNotExist(err) {
				continue // no IPv6 in this kernel
			}
			return nil, err
		}
		ls, err := parseListeners(string(b))
		if err != nil {
			return nil, fmt.Errorf("/proc/%s/net/%s: %w", pid, name, err)
		}
		out = append(out, ls...)
	}
	return out, nil
}

// parseListeners parses the text of /proc/net/tcp or tcp6: after a header
// line, one socket a line, "sl local_address rem_address st ... inode ...",
// the local address as hexadecimal IP:PORT, st 0A for LISTEN, and the inode
// in the tenth field.
func parseListeners(text string) ([]listener, error) {
	var out []listener
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) < 10 {
			return nil, fmt.Errorf("line %d: %d fields, want at least 10", i+2, len(f))
		}
		if f[3] != "0A" {
			continue
		}
		hexIP, hexPort, ok := strings.Cut(f[1], ":")
		if !ok || (len(hexIP) != 8 && len(hexIP) != 32) {
			return nil, fmt.Errorf("line %d: local address %q", i+2, f[1])
		}
		port, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil {
			return nil, fmt.Errorf("line %d: port %q", i+2, hexPort)
		}
		// The kernel prints each 32-bit word of the address, which is in
		// network byte order in memory, as a native-endian integer.
		ip := make(net.IP, len(hexIP)/2)
		for w := 0; w < len(ip); w += 4 {
			v, err := strconv.ParseUint(hexIP[2*w:2*w+8], 16, 32)
			if err != nil {
				return nil, fmt.Errorf("line %d: local address %q", i+2, f[1])
			}
			binary.NativeEndian.PutUint32(ip[w:], uint32(v))
		}
		out = append(out, listener{IP: ip, Port: int(port), Inode: f[9]})
	}
	return out, nil
}

func littleEndian() bool {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], 1)
	return b[0] == 1
}
