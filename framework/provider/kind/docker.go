package kind

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// CommandError is a failed command with its output, so errors say what the
// tool said.
type CommandError struct {
	Args   []string
	Output string
	Err    error
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("%s: %v: %s", strings.Join(e.Args, " "), e.Err, strings.TrimSpace(e.Output))
}

func (e *CommandError) Unwrap() error { return e.Err }

// run runs a command and returns its trimmed standard output; a failure
// carries its combined output.
func run(ctx context.Context, stdin io.Reader, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	if err := cmd.Run(); err != nil {
		return "", &CommandError{Args: append([]string{name}, args...), Output: errb.String() + out.String(), Err: err}
	}
	return strings.TrimSpace(out.String()), nil
}

// docker runs a docker command.
func docker(ctx context.Context, args ...string) (string, error) {
	return run(ctx, nil, "docker", args...)
}

// nodeExec runs a command inside a node container, with stdin if given.
func nodeExec(ctx context.Context, container string, stdin io.Reader, args ...string) (string, error) {
	a := []string{"exec"}
	if stdin != nil {
		a = append(a, "-i")
	}
	return run(ctx, stdin, "docker", append(append(a, container), args...)...)
}

// clusterContainers lists the names of the containers kind made for a
// cluster (its label), running or not.
func clusterContainers(ctx context.Context, kindName string) ([]string, error) {
	out, err := docker(ctx, "ps", "-a", "--filter", "label=io.x-k8s.kind.cluster="+kindName, "--format", "{{.Names}}")
	if err != nil {
		return nil, fmt.Errorf("list containers of kind cluster %s: %w", kindName, err)
	}
	return strings.Fields(out), nil
}

// containerIP returns a container's IPv4 address on a docker network.
func containerIP(ctx context.Context, container, network string) (string, error) {
	out, err := docker(ctx, "inspect", "-f", fmt.Sprintf(`{{with index .NetworkSettings.Networks %q}}{{.IPAddress}}{{end}}`, network), container)
	if err != nil {
		return "", fmt.Errorf("address of node container %s: %w", container, err)
	}
	if out == "" {
		return "", fmt.Errorf("node container %s has no address on docker network %s", container, network)
	}
	return out, nil
}

// containerState returns "running", "paused", "exited"... or "" when the
// container does not exist.
func containerState(ctx context.Context, container string) (string, error) {
	out, err := docker(ctx, "inspect", "-f", "{{.State.Status}}", container)
	var ce *CommandError
	if errors.As(err, &ce) && strings.Contains(ce.Output, "No such object") {
		return "", nil
	}
	return out, err
}
