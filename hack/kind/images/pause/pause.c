/*
 * pause holds a pod's namespaces open: the sandbox container every pod starts
 * with. It sleeps until a signal arrives, ends on SIGINT or SIGTERM, and, being
 * PID 1 of the pod when the PID namespace is shared, reaps orphaned children.
 * Built static (gcc -static) into a FROM-scratch image by hack/kind.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
	(void)sig;
	_exit(0);
}

static void on_child(int sig) {
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
}

int main(int argc, char **argv) {
	struct sigaction stop, child;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		puts("pause (gameday) 3.10.2");
		return 0;
	}
	if (getpid() != 1) {
		fputs("pause: warning: not running as PID 1\n", stderr);
	}
	memset(&stop, 0, sizeof(stop));
	stop.sa_handler = on_stop;
	if (sigaction(SIGINT, &stop, NULL) < 0 || sigaction(SIGTERM, &stop, NULL) < 0) {
		perror("pause: sigaction");
		return 1;
	}
	memset(&child, 0, sizeof(child));
	child.sa_handler = on_child;
	child.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &child, NULL) < 0) {
		perror("pause: sigaction");
		return 1;
	}
	for (;;) {
		pause();
	}
	return 1;
}
