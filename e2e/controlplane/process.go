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
	// What started it, so Restart runs it again as it was.
	env  []string
	bin  string
	args []string
	ps   *Processes
	cmd  *exec.Cmd
	done chan struct{}
	err  error
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
	p := &Process{Name: name, LogPath: filepath.Join(ps.logDir, name+".log"), env: env, bin: bin, args: args, ps: ps}
	f, err := os.Create(p.LogPath)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot create log of %s", name)
	}
	if err := p.run(f); err != nil {
		return nil, err
	}
	ps.mu.Lock()
	ps.procs = append(ps.procs, p)
	ps.mu.Unlock()
	return p, nil
}

// run starts p's command with its output going to f, which it closes when
// the process ends.
func (p *Process) run(f *os.File) error {
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = f, f
	// Its own process group, so a stop reaches anything it forks.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		return errors.Wrapf(err, "cannot start %s", p.Name)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	done := p.done
	go func() {
		p.err = cmd.Wait()
		_ = f.Close()
		close(done)
	}()
	return nil
}

// Kill ends the process group with SIGKILL, as a crash or an OOM kill
// would: no graceful shutdown, nothing released but what the kernel
// releases (its listening sockets). It returns once the process is gone.
func (p *Process) Kill() error {
	if exited, _ := p.Exited(); exited {
		return errors.Errorf("%s is not running", p.Name)
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		return errors.Wrapf(err, "cannot kill %s", p.Name)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(time.Minute):
		return errors.Errorf("%s still runs a minute after SIGKILL", p.Name)
	}
}

// Restart runs a process that has ended again, with the same binary,
// arguments and environment, as the kubelet restarts a crashed container.
// Its log is appended to, after a line saying so; Tails and StopAll see
// the new process in the old one's place.
func (p *Process) Restart() (*Process, error) {
	if exited, _ := p.Exited(); !exited {
		return nil, errors.Errorf("%s is still running", p.Name)
	}
	f, err := os.OpenFile(p.LogPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot open log of %s", p.Name)
	}
	fmt.Fprintf(f, "===== %s: restarted after it ended (%v) =====\n", time.Now().Format(time.RFC3339Nano), p.err)
	np := &Process{Name: p.Name, LogPath: p.LogPath, env: p.env, bin: p.bin, args: p.args, ps: p.ps}
	if err := np.run(f); err != nil {
		return nil, err
	}
	p.ps.mu.Lock()
	defer p.ps.mu.Unlock()
	for i := range p.ps.procs {
		if p.ps.procs[i] == p {
			p.ps.procs[i] = np
		}
	}
	return np, nil
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

// running fails naming every process of ps that has ended.
func running(ps ...*Process) error {
	var ended []string
	for _, p := range ps {
		if exited, err := p.Exited(); exited {
			ended = append(ended, fmt.Sprintf("%s ended (%v); see %s", p.Name, err, p.LogPath))
		}
	}
	if len(ended) > 0 {
		return errors.New(strings.Join(ended, "; "))
	}
	return nil
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
