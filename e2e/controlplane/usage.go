package controlplane

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"

	"github.com/crossplane/crossplane-runtime/v2/pkg/errors"
)

// Usage is what one process has used, as Linux accounts it in /proc.
type Usage struct {
	Name string
	// CPUSeconds is user plus system time since the process started.
	CPUSeconds float64
	// RSS is the resident set now, PeakRSS its high-water mark (VmHWM), in bytes.
	RSS, PeakRSS int64
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on
// every Linux architecture Go supports (sysconf(_SC_CLK_TCK)).
const clockTicks = 100

// Usage reports every running process the suite started, then this
// process itself under self (the provider runtime and the scenarios).
func (ps *Processes) Usage(self string) ([]Usage, error) {
	ps.mu.Lock()
	procs := append([]*Process(nil), ps.procs...)
	ps.mu.Unlock()
	var out []Usage
	for _, p := range procs {
		if exited, _ := p.Exited(); exited {
			continue
		}
		u, err := ProcUsage(strconv.Itoa(p.cmd.Process.Pid))
		if err != nil {
			return nil, errors.Wrapf(err, "cannot read what %s uses", p.Name)
		}
		u.Name = p.Name
		out = append(out, u)
	}
	u, err := ProcUsage("self")
	if err != nil {
		return nil, errors.Wrap(err, "cannot read what this process uses")
	}
	u.Name = self
	return append(out, u), nil
}

// ProcUsage reads /proc/<pid>/stat and /proc/<pid>/status.
func ProcUsage(pid string) (Usage, error) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return Usage{}, err
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// count fields from the last closing one. utime and stime are fields
	// 14 and 15 of the whole line.
	rest := stat[bytes.LastIndexByte(stat, ')')+1:]
	fields := strings.Fields(string(rest))
	if len(fields) < 13 {
		return Usage{}, errors.Errorf("/proc/%s/stat has %d fields after the command", pid, len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return Usage{}, errors.Wrapf(err, "/proc/%s/stat", pid)
		}
		ticks += n
	}
	u := Usage{CPUSeconds: float64(ticks) / clockTicks}
	status, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return Usage{}, err
	}
	defer status.Close() //nolint:errcheck // Read-only.
	s := bufio.NewScanner(status)
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return Usage{}, errors.Wrapf(err, "/proc/%s/status %s", pid, key)
		}
		if key == "VmRSS" {
			u.RSS = kb << 10
		} else {
			u.PeakRSS = kb << 10
		}
	}
	return u, s.Err()
}
