package controlplane

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Process is one component the suite started. Its output goes to a log file
// whose tail is printed when a scenario fails.
type Process struct {
	Name    string
	LogPath string
	cmd     *exec.Cmd
	done    chan struct{}
	err     error
}

// Processes starts components and stops every one of them, by PID, in
// reverse order of start.
type Processes struct {
	logDir string
	mu     sync.Mutex
	procs  []*Process
	logs   []string
}

// LogPath returns the path of a log for an in-process component, whose tail
// Tails prints with the processes'.
func (ps *Processes) LogPath(name string) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	path := filepath.Join(ps.logDir, name+".log")
	ps.logs = append(ps.logs, path)
	return path
}

// NewProcesses keeps component logs in logDir.
func NewProcesses(logDir string) (*Processes, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, errors.Wrapf(err, "cannot create %s", logDir)
	}
	return &Processes{logDir: logDir}, nil
}

// Start runs bin with args and extra environment in its own process group.
func (ps *Processes) Start(name string, env []string, bin string, args ...string) (*Process, error) {
	logPath := filepath.Join(ps.logDir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot create log of %s", name)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	// Its own process group, so a stop reaches anything it forks.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return nil, errors.Wrapf(err, "cannot start %s", name)
	}
	p := &Process{Name: name, LogPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = f.Close()
		close(p.done)
	}()
	ps.mu.Lock()
	ps.procs = append(ps.procs, p)
	ps.mu.Unlock()
	return p, nil
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Wait blocks until the process ends or the timeout passes.
func (p *Process) Wait(timeout time.Duration) error {
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		return errors.Errorf("%s did not exit within %s", p.Name, timeout)
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after grace.
func (p *Process) stop(grace time.Duration) {
	if exited, _ := p.Exited(); exited {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// StopAll stops every process started, newest first.
func (ps *Processes) StopAll() {
	ps.mu.Lock()
	procs := append([]*Process(nil), ps.procs...)
	ps.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop(10 * time.Second)
	}
}

// Tails returns the last n lines of every component's log.
func (ps *Processes) Tails(n int) string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var b strings.Builder
	paths := append([]string(nil), ps.logs...)
	for _, p := range ps.procs {
		paths = append(paths, p.LogPath)
	}
	for _, path := range paths {
		fmt.Fprintf(&b, "===== last %d lines of %s =====\n%s\n", n, path, tail(path, n))
	}
	return b.String()
}

func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, errors.Wrap(err, "cannot find a free port")
	}
	defer l.Close() //nolint:errcheck // Only probing.
	return l.Addr().(*net.TCPAddr).Port, nil
}

// FreePorts returns n distinct free ports on 127.0.0.1.
func FreePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	seen := map[int]bool{}
	for len(ports) < n {
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	return ports, nil
}

// WaitFor polls check until it succeeds, the process exits or timeout passes.
func WaitFor(what string, p *Process, timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if p != nil {
			if exited, perr := p.Exited(); exited {
				return errors.Errorf("%s exited (%v) before %s; see %s", p.Name, perr, what, p.LogPath)
			}
		}
		if time.Now().After(deadline) {
			return errors.Wrapf(err, "%s not reached within %s", what, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
