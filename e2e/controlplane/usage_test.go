package controlplane

import (
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestUsageReadsWhatEachProcessUsed: a started process is reported by its
// name with a resident set; this process reports the CPU it has burned and a
// high-water mark at least its resident set.
func TestUsageReadsWhatEachProcessUsed(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command:", err)
	}
	ps, err := NewProcesses(filepath.Join(t.TempDir(), "logs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.Start("idle", nil, sleep, "30"); err != nil {
		t.Fatal(err)
	}
	defer ps.StopAll()
	busyUntil := time.Now().Add(300 * time.Millisecond)
	for n := 0; time.Now().Before(busyUntil); n++ {
		_ = n * n
	}

	got, err := ps.Usage("suite")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Usage{}
	for _, u := range got {
		byName[u.Name] = u
	}
	self, ok := byName["suite"]
	if !ok {
		t.Fatalf("expected this process under the name it was given, got %+v", got)
	}
	if self.CPUSeconds < 0.1 {
		t.Errorf("expected this process to report the 0.3 s of CPU it burned, got %.2f s", self.CPUSeconds)
	}
	if self.RSS <= 0 || self.PeakRSS < self.RSS {
		t.Errorf("expected a resident set and a high-water mark at least as large, got %d and %d", self.RSS, self.PeakRSS)
	}
	if idle, ok := byName["idle"]; !ok || idle.RSS <= 0 {
		t.Errorf("expected the started process to have a resident set, got %+v", idle)
	}
}
