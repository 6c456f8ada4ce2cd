//go:build unix

package bench

import (
	"os"
	"os/exec"
	"syscall"
)

// ownGroup puts terraform in a process group of its own, so that a timeout ends terraform and
// the provider plugin it started together, and nothing else.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
