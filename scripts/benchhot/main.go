// Command benchhot times whole processes interleaved: each round runs every
// command once, in turn, so that a machine whose speed drifts (other jobs,
// frequency scaling) slows all of them alike. It prints each command's
// median and mean wall time and its ratio to the first command (the
// baseline, a Go hello world in scripts/bench-hot.sh).
//
//	benchhot -runs 300 -warmup 20 'hello=/tmp/hello' 'env=atmos-auth env -i x' ...
//
// Each argument is NAME=COMMAND LINE (split on spaces; no shell); leading
// VAR=value words of the line are set in that command's environment (as
// env(1) would, without timing another process). The command's output is
// discarded; a command that fails stops the run.
// Besides wall time it reports each process's CPU time (user + system),
// which a busy machine disturbs far less than wall time.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

type cmd struct {
	name  string
	env   []string // VAR=value over this process's environment
	argv  []string
	times []time.Duration
	cpu   []time.Duration
}

func main() {
	runs := flag.Int("runs", 200, "timed rounds")
	warmup := flag.Int("warmup", 10, "untimed rounds first")
	flag.Parse()
	var cmds []*cmd
	for _, a := range flag.Args() {
		name, line, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(line) == "" {
			fmt.Fprintf(os.Stderr, "benchhot: %q: want NAME=COMMAND\n", a)
			os.Exit(2)
		}
		c := &cmd{name: name, argv: strings.Fields(line)}
		for len(c.argv) > 1 && isAssignment(c.argv[0]) {
			c.env, c.argv = append(c.env, c.argv[0]), c.argv[1:]
		}
		cmds = append(cmds, c)
	}
	if len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "benchhot: no commands")
		os.Exit(2)
	}
	for r := 0; r < *warmup+*runs; r++ {
		for _, c := range cmds {
			d, cpu, err := once(c.argv, c.env)
			if err != nil {
				fmt.Fprintf(os.Stderr, "benchhot: %s: %v\n", c.name, err)
				os.Exit(1)
			}
			if r >= *warmup {
				c.times = append(c.times, d)
				c.cpu = append(c.cpu, cpu)
			}
		}
	}
	base, cbase := median(cmds[0].times), median(cmds[0].cpu)
	fmt.Printf("%-26s %10s %10s %10s %8s %10s %8s\n", "command", "median", "mean", "min", "× "+cmds[0].name, "cpu", "× cpu")
	for _, c := range cmds {
		m, cm := median(c.times), median(c.cpu)
		fmt.Printf("%-26s %10s %10s %10s %8.2f %10s %8.2f\n", c.name, ms(m), ms(mean(c.times)), ms(minimum(c.times)), float64(m)/float64(base), ms(cm), float64(cm)/float64(cbase))
	}
}

// isAssignment: w is VAR=value with VAR a shell variable name.
func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func once(argv, env []string) (wall, cpu time.Duration, err error) {
	c := exec.Command(argv[0], argv[1:]...)
	if env != nil {
		c.Env = append(os.Environ(), env...)
	}
	c.Stdout, c.Stderr = nil, nil // discarded
	start := time.Now()
	err = c.Run()
	wall = time.Since(start)
	if c.ProcessState != nil {
		cpu = c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
	return wall, cpu, err
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func mean(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t / time.Duration(len(ds))
}

func minimum(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds[1:] {
		m = min(m, d)
	}
	return m
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }
