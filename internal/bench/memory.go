package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// memorySampler follows the peak resident memory (VmHWM) of the plugin processes a terraform
// process starts, reading /proc every memoryInterval. VmHWM only grows, so sampling misses at
// most the growth of a plugin's last interval. Where /proc does not exist it reports 0.
type memorySampler struct {
	root   int
	binary string // resolved path of the plugin binary
	done   chan struct{}
	wg     sync.WaitGroup

	mu   sync.Mutex
	peak int64 // kB
}

const memoryInterval = 200 * time.Millisecond

func sampleMemory(root int, binary string) *memorySampler {
	if resolved, err := filepath.EvalSymlinks(binary); err == nil {
		binary = resolved
	}
	m := &memorySampler{root: root, binary: binary, done: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(memoryInterval)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.done:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// stop ends the sampling and returns the peak in MB.
func (m *memorySampler) stop() float64 {
	close(m.done)
	m.wg.Wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	return float64(m.peak) / 1024
}

func (m *memorySampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, ok := ppid(pid); ok {
			parent[pid] = pp
		}
	}
	for pid := range parent {
		if !descends(pid, m.root, parent) {
			continue
		}
		if exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); err != nil || exe != m.binary {
			continue
		}
		if kb := statusKB(pid, "VmHWM"); kb > 0 {
			m.mu.Lock()
			m.peak = max(m.peak, kb)
			m.mu.Unlock()
		}
	}
}

func descends(pid, root int, parent map[int]int) bool {
	for range 64 {
		pp, ok := parent[pid]
		if !ok || pp <= 1 {
			return false
		}
		if pp == root {
			return true
		}
		pid = pp
	}
	return false
}

// ppid reads a process's parent from /proc/PID/stat ("pid (comm) state ppid ...").
func ppid(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	pp, err := strconv.Atoi(f[1])
	return pp, err == nil
}

// statusKB reads a "Key:   123 kB" line of /proc/PID/status.
func statusKB(pid int, key string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }() // read only
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			return 0
		}
		n, _ := strconv.ParseInt(fields[0], 10, 64)
		return n
	}
	return 0
}
